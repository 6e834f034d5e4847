//! `resume_analyses`: every AI screening of an application.

use sea_orm::entity::prelude::*;

/// One screening.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "resume_analyses")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// The application.
    pub application_id: Uuid,
    /// 0-100, from the criteria's scores and the rubric's weights.
    pub score: i32,
    /// The model's summary.
    pub summary: String,
    /// Per criterion: `{key, score, evidence}`.
    pub criteria: Json,
    /// Strengths.
    pub strengths: Json,
    /// Gaps.
    pub gaps: Json,
    /// The rubric used.
    pub rubric: Json,
    /// Its version.
    pub rubric_version: i32,
    /// The provider that answered.
    pub provider: String,
    /// Its model.
    pub model: String,
    /// The agent's prompt version.
    pub prompt_version: String,
    /// SHA-256 of the input the model was given (redacted resume, job, rubric).
    pub input_sha256: String,
    /// When.
    pub created_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

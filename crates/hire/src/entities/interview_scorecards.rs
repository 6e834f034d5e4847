//! `interview_scorecards`: one structured scorecard per interviewer per stage.

use sea_orm::entity::prelude::*;

/// A scorecard.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "interview_scorecards")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// The application.
    pub application_id: Uuid,
    /// The stage.
    pub stage: String,
    /// The interviewer.
    pub interviewer_id: Uuid,
    /// Criterion key -> 1-5.
    pub scores: Json,
    /// `strong_no`, `no`, `yes`, `strong_yes`.
    pub recommendation: String,
    /// Notes.
    pub notes: String,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Last change.
    pub updated_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

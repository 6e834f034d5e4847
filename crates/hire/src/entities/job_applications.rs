//! `job_applications`: one per post and canonical email.

use sea_orm::entity::prelude::*;

/// An application.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job_applications")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// The job post.
    pub post_id: Uuid,
    /// The candidate.
    pub candidate_id: Uuid,
    /// The email it was sent with, canonical (the duplicate key with the post): where its
    /// stage emails go.
    pub email_canonical: String,
    /// The name it was sent with (its stage emails greet it; the candidate keeps the name
    /// they first gave).
    pub full_name: String,
    /// The resume (none once the candidate is erased).
    pub resume_file_id: Option<Uuid>,
    /// The resume's file name as uploaded (sanitised).
    pub resume_filename: String,
    /// Answers to the screening questions (JSON object).
    pub answers: Json,
    /// Current stage (the last event's).
    pub stage: String,
    /// When it entered the current stage.
    pub stage_changed_at: DateTimeUtc,
    /// The AI screening score (0-100), once scored.
    pub ai_score: Option<i32>,
    /// Created.
    pub created_at: DateTimeUtc,
    /// When the candidate's personal data was erased.
    pub erased_at: Option<DateTimeUtc>,
    /// SHA-256 of the secret the apply confirmation gave the candidate (their human-review
    /// requests carry it).
    pub review_token_sha256: Option<String>,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

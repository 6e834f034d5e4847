//! `quiz_attempts`: a learner's (or a candidate's) attempt with its server-side deadline.

use sea_orm::entity::prelude::*;

use super::text_enum;

/// An attempt.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "quiz_attempts")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// Quiz.
    pub quiz_id: Uuid,
    /// The learner (none for a candidate).
    pub user_id: Option<Uuid>,
    /// The candidate's invite (none for a learner).
    pub invite_id: Option<Uuid>,
    /// 1 for the learner's first attempt at the quiz.
    pub attempt_no: i32,
    /// State.
    pub status: AttemptStatus,
    /// Started (server clock).
    pub started_at: DateTimeUtc,
    /// Answers are accepted until this plus the grace.
    pub deadline: DateTimeUtc,
    /// Graded at.
    pub submitted_at: Option<DateTimeUtc>,
    /// Marks scored.
    pub score: Option<f64>,
    /// Marks possible.
    pub max_score: Option<f64>,
    /// Whether the score reached the quiz's pass percentage.
    pub passed: Option<bool>,
    /// Created.
    pub created_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

text_enum! {
    /// An attempt's state.
    AttemptStatus {
        /// Running: answers are saved.
        InProgress = "in_progress",
        /// Submitted by the learner and graded.
        Submitted = "submitted",
        /// Finalised by the sweeper after the deadline, with the saved answers.
        AutoSubmitted = "auto_submitted",
    }
}

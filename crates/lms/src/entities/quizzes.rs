//! `quizzes`: timed quizzes.

use sea_orm::entity::prelude::*;

use super::text_enum;

/// A quiz.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "quizzes")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// The course whose active enrolment it needs (none: any user of the platform).
    pub course_id: Option<Uuid>,
    /// Title.
    pub title: String,
    /// Time allowed, before accommodations.
    pub duration_seconds: i32,
    /// Attempts per learner, before accommodations.
    pub max_attempts: i32,
    /// Score percentage that passes.
    pub pass_percent: i32,
    /// Questions in a random order per attempt.
    pub shuffle_questions: bool,
    /// Options in a random order per attempt and question.
    pub shuffle_options: bool,
    /// No attempt starts after this.
    pub closes_at: Option<DateTimeUtc>,
    /// Whether `closes_at` also cuts the deadline of an attempt in progress.
    pub close_clamps_deadline: bool,
    /// What a learner sees after submitting.
    pub review_policy: ReviewPolicy,
    /// The admin who created it.
    pub created_by: Option<Uuid>,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Changed.
    pub updated_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

text_enum! {
    /// What a learner sees of a graded attempt.
    ReviewPolicy {
        /// Nothing but that it was submitted.
        None = "none",
        /// Score, maximum and pass.
        ScoreOnly = "score_only",
        /// Score and each question's right answer once submitted.
        AnswersAfterSubmit = "answers_after_submit",
        /// Score; right answers once the quiz has closed.
        AnswersAfterClose = "answers_after_close",
    }
}

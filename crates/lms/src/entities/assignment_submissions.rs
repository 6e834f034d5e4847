//! `assignment_submissions`: every version a student hands in; the current one is graded.

use sea_orm::entity::prelude::*;

// `text_enum!` is in textual scope: these modules are declared after the macro in mod.rs

/// A submission (one version).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "assignment_submissions")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// Assignment.
    pub assignment_id: Uuid,
    /// Student.
    pub user_id: Uuid,
    /// 1 for the first submission, +1 per resubmission.
    pub version: i32,
    /// Submitted, graded, or superseded by a later version.
    pub status: SubmissionStatus,
    /// Text answer.
    pub text_answer: Option<String>,
    /// Files `[{key, name, size, content_type}]`.
    pub files: Json,
    /// Handed in.
    pub submitted_at: DateTimeUtc,
    /// Handed in after the due time.
    pub late: bool,
    /// Started days after the due time.
    pub days_late: i32,
    /// Percent taken off the grade for lateness (fixed when handed in).
    pub penalty_percent: i32,
    /// Points per rubric criterion `[{criterion, points}]`.
    pub rubric_scores: Option<Json>,
    /// Points before the late penalty.
    pub raw_score: Option<i32>,
    /// Points after the late penalty.
    pub final_score: Option<f64>,
    /// The grader's feedback.
    pub feedback: Option<String>,
    /// Who graded it.
    pub graded_by: Option<Uuid>,
    /// When it was graded.
    pub graded_at: Option<DateTimeUtc>,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

text_enum! {
    /// A submission's state.
    SubmissionStatus {
        /// Handed in, waiting for a grade (may be replaced by a resubmission).
        Submitted = "submitted",
        /// Graded (no resubmission any more).
        Graded = "graded",
        /// Replaced by a later version.
        Superseded = "superseded",
    }
}

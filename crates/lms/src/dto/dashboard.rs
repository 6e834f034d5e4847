//! The student dashboard.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::dto::enrollments::Progress;

/// One enrolment on the dashboard.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DashboardCourse {
    /// Enrolment.
    pub enrollment_id: Uuid,
    /// Course.
    pub course_id: Uuid,
    /// Course title.
    pub title: String,
    /// Course slug.
    pub slug: String,
    /// Batch name, if seated.
    pub batch: Option<String>,
    /// Progress through the course.
    pub progress: Progress,
    /// When the student enrolled.
    pub enrolled_at: DateTime<Utc>,
}

/// A live class coming up (or running) in one of the student's courses.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, sea_orm::FromQueryResult)]
pub struct UpcomingClass {
    /// Class.
    pub id: Uuid,
    /// Course.
    pub course_id: Uuid,
    /// Course title.
    pub course_title: String,
    /// Class title.
    pub title: String,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
}

/// An assignment the student has not handed in that still accepts submissions.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, sea_orm::FromQueryResult)]
pub struct PendingAssignment {
    /// Assignment.
    pub id: Uuid,
    /// Course.
    pub course_id: Uuid,
    /// Course title.
    pub course_title: String,
    /// Assignment title.
    pub title: String,
    /// Due.
    pub due_at: DateTime<Utc>,
    /// Past its due date (a late submission is still accepted, with its penalty).
    pub overdue: bool,
}

/// A quiz of one of the student's courses still to do: not passed, attempts left, not closed.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, sea_orm::FromQueryResult)]
pub struct PendingQuiz {
    /// Quiz.
    pub id: Uuid,
    /// Course.
    pub course_id: Uuid,
    /// Course title.
    pub course_title: String,
    /// Quiz title.
    pub title: String,
    /// When it closes, if it does.
    pub closes_at: Option<DateTime<Utc>>,
    /// Attempts finished.
    pub attempts_used: i64,
    /// Attempts allowed (with the learner's extra attempts).
    pub attempts_allowed: i64,
    /// An attempt is running (resume it).
    pub in_progress: bool,
    /// Best score so far, percent.
    pub best_percent: Option<f64>,
}

/// `GET /api/student/dashboard`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Dashboard {
    /// Active enrolments, newest first.
    pub enrollments: Vec<DashboardCourse>,
    /// Overall progress across every enrolled course.
    pub progress: Progress,
    /// The next live classes of the student's courses and batches (at most 10), soonest first.
    pub upcoming_classes: Vec<UpcomingClass>,
    /// Quizzes not passed yet with attempts left (at most 20), closing soonest first.
    pub pending_quizzes: Vec<PendingQuiz>,
    /// Assignments not handed in that still accept submissions (at most 20), by due date.
    pub pending_assignments: Vec<PendingAssignment>,
    /// Experience points (the engagement ledger's total).
    pub xp: i64,
    /// Days in a row with activity, in the student's time zone (0 once a day was missed).
    pub streak: i64,
}

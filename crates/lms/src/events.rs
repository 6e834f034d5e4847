//! Domain events the LMS publishes through the outbox (delivered on the events queue to
//! subscribers in other crates: gamification, workflows, notifications).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `assignment.submitted`: a student handed in (or replaced) an assignment's submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentSubmitted {
    /// The submission (this version).
    pub submission_id: Uuid,
    /// The assignment.
    pub assignment_id: Uuid,
    /// Its course.
    pub course_id: Uuid,
    /// The student.
    pub user_id: Uuid,
    /// 1 for the first hand-in, +1 per resubmission.
    pub version: i32,
    /// Handed in by the due time.
    pub on_time: bool,
    /// Percent the grade will lose for lateness.
    pub penalty_percent: i32,
    /// When.
    pub submitted_at: DateTime<Utc>,
}

impl jobs::EventSpec for AssignmentSubmitted {
    const NAME: &'static str = "assignment.submitted";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

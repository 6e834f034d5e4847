//! Domain events mentorship publishes through the outbox (ids and times only).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `mentorship.session_completed`: a meeting was marked held (by its mentor, an admin, the
/// emailed link or the automatic settlement), once, by the transaction that posted it.
/// The LMS awards the student's XP from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionCompleted {
    /// The meeting.
    pub meeting_id: Uuid,
    /// The mentor.
    pub mentor_user_id: Uuid,
    /// The student.
    pub student_user_id: Uuid,
    /// When it was marked held.
    pub completed_at: DateTime<Utc>,
}

impl jobs::EventSpec for SessionCompleted {
    const NAME: &'static str = "mentorship.session_completed";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

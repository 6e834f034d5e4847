//! The admin's meeting list (`GET /api/admin/meetings`) and meeting log
//! (`GET /api/admin/meetings/{id}/log`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::bookings::{MentorRef, Person};

pub use crate::entities::{bookings::BookingStatus, meetings::MeetingStatus};

/// Filters of the admin's meeting list (every filter optional; newest start first).
#[derive(Debug, Clone, Default, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeetingFilter {
    /// Only meetings in this status.
    #[param(inline)]
    pub status: Option<MeetingStatus>,
    /// Only this mentor's meetings: the mentor profile id or the mentor's user id.
    pub mentor_id: Option<Uuid>,
    /// Only this student's meetings (user id).
    pub student_id: Option<Uuid>,
    /// Only meetings starting at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Only meetings starting before this time (after `from`).
    pub to: Option<DateTime<Utc>>,
    /// Page size, 1-100 (default 20).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    #[validate(length(max = 2048))]
    #[param(max_length = 2048)]
    pub cursor: Option<String>,
}

/// A page of a meeting log.
#[derive(Debug, Clone, Default, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogPage {
    /// Page size, 1-100 (default 20).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    #[validate(length(max = 2048))]
    #[param(max_length = 2048)]
    pub cursor: Option<String>,
}

/// A meeting as admins list it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AdminMeetingItem {
    /// Meeting id.
    pub id: Uuid,
    /// The meeting's status.
    pub status: MeetingStatus,
    /// Scheduled start.
    pub starts_at: DateTime<Utc>,
    /// Scheduled end.
    pub ends_at: DateTime<Utc>,
    /// First join, when anyone joined.
    pub started_at: Option<DateTime<Utc>>,
    /// Ended in the room.
    pub ended_at: Option<DateTime<Utc>>,
    /// Marked held.
    pub completed_at: Option<DateTime<Utc>>,
    /// The mentor.
    pub mentor: MentorRef,
    /// The student.
    pub student: Person,
    /// The booking.
    pub booking_id: Uuid,
    /// The booking's status.
    pub booking_status: BookingStatus,
    /// Tokens of the booking.
    pub tokens: i64,
}

/// One line of a meeting log.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LogLine {
    /// Id.
    pub id: Uuid,
    /// What happened: `joined`, `started`, `chat`, `recording_started`, `recording_stopped`,
    /// `ended`, `completed`, `cancelled`, `rescheduled`, reminders sent…
    pub kind: String,
    /// Who did it (null: the system).
    pub actor: Option<Person>,
    /// The actor's part in the meeting: `mentor`, `student`, `other` (an admin), `system`.
    pub actor_role: String,
    /// Details (a chat line's `text`, a cancellation's `reason`…).
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    /// When.
    pub at: DateTime<Utc>,
}

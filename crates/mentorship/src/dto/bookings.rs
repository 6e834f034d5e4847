//! The booking lists: a student's own (`GET /api/bookings/me`) and a mentor's
//! (`GET /api/mentors/me/bookings`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::entities::{bookings::BookingStatus, meetings::MeetingStatus};

/// Which bookings a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum BookingView {
    /// Booked and not over yet (the session is scheduled or live), soonest first.
    Upcoming,
    /// Held, or over without being cancelled, newest first.
    Past,
    /// Cancelled by anyone, newest first.
    Cancelled,
}

/// Filters of a booking list.
#[derive(Debug, Clone, Default, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BookingFilter {
    /// `upcoming` (soonest first), `past` or `cancelled` (newest first); absent: every
    /// booking, newest first.
    #[param(inline)]
    pub status: Option<BookingView>,
    /// Page size, 1-100 (default 20).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    #[validate(length(max = 2048))]
    #[param(max_length = 2048)]
    pub cursor: Option<String>,
}

impl BookingFilter {
    /// The validated view (`None`: every booking).
    pub fn view(&self) -> Option<BookingView> {
        self.status
    }
}

/// A person on the other side of a booking.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct Person {
    /// User id.
    pub id: Uuid,
    /// Display name.
    pub name: String,
}

/// The mentor of a booking.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct MentorRef {
    /// Mentor profile id (as in `GET /api/mentors/{id}`).
    pub id: Uuid,
    /// The mentor's user id.
    pub user_id: Uuid,
    /// Display name (the profile's, else the account's).
    pub name: String,
}

/// One booking in a list.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BookingItem {
    /// Booking id.
    pub booking_id: Uuid,
    /// Its meeting.
    pub meeting_id: Uuid,
    /// The slot booked.
    pub slot_id: Uuid,
    /// The mentor.
    pub mentor: MentorRef,
    /// The student.
    pub student: Person,
    /// Session start (the slot's; moved by a reschedule).
    pub start_at: DateTime<Utc>,
    /// Session end.
    pub end_at: DateTime<Utc>,
    /// Tokens the booking holds (or held).
    pub tokens: i64,
    /// The booking's status.
    pub status: BookingStatus,
    /// The meeting's status.
    pub meeting_status: MeetingStatus,
    /// Tokens returned on cancellation.
    pub refunded_tokens: Option<i64>,
    /// When it was booked.
    pub booked_at: DateTime<Utc>,
}

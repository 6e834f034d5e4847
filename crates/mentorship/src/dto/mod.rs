//! Request and response bodies.

pub mod admin;
pub mod bookings;
pub mod calendar;
pub mod links;
pub mod recordings;
pub mod rules;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::entities::{
    bookings::BookingStatus,
    meetings::MeetingStatus,
    mentor_profiles::{self, MentorStatus},
    mentor_slots::{self, SlotStatus},
};

/// An application to mentor.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct ApplyRequest {
    /// One line, 3-200 characters.
    #[validate(length(min = 3, max = 200))]
    #[schema(min_length = 3, max_length = 200)]
    pub headline: String,
    /// About, up to 5,000 characters.
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub bio: String,
    /// 1-20 expertise tags.
    #[validate(length(min = 1, max = 20), custom(function = "tags"))]
    #[schema(schema_with = expertise_schema)]
    pub expertise: Vec<String>,
    /// Price of one session in tokens, 1-100,000.
    #[validate(range(min = 1, max = 100_000))]
    #[schema(minimum = 1, maximum = 100_000)]
    pub price_tokens: i64,
    /// Years of experience.
    #[validate(range(min = 0, max = 80))]
    #[serde(default)]
    #[schema(minimum = 0, maximum = 80)]
    pub years: i32,
    /// Languages spoken.
    #[validate(length(max = 10), custom(function = "tags"))]
    #[serde(default)]
    #[schema(schema_with = languages_schema)]
    pub languages: Vec<String>,
    /// Display name.
    #[validate(length(max = 200))]
    #[serde(default)]
    #[schema(max_length = 200)]
    pub full_name: String,
    /// IANA time zone (default Asia/Kolkata).
    #[validate(length(min = 3, max = 64))]
    #[schema(min_length = 3, max_length = 64)]
    pub timezone: Option<String>,
}

/// A list of 1-50 character tags that are not blank.
fn tag_list(min: usize, max: usize, description: &str) -> utoipa::openapi::Array {
    use utoipa::openapi::{ArrayBuilder, ObjectBuilder, Type};
    ArrayBuilder::new()
        .description(Some(description))
        .min_items(Some(min))
        .max_items(Some(max))
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(50))
                .pattern(Some(NOT_BLANK)),
        )
        .build()
}

/// Contains a character Rust's `str::trim` keeps (a not-blank string).
const NOT_BLANK: &str =
    r"[^\t\n\x0B\f\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]";

fn expertise_schema() -> utoipa::openapi::Array {
    tag_list(
        1,
        20,
        "1-20 expertise tags, each 1-50 characters and not blank.",
    )
}

fn languages_schema() -> utoipa::openapi::Array {
    tag_list(
        0,
        10,
        "Up to 10 languages, each 1-50 characters and not blank.",
    )
}

fn tags(tags: &[String]) -> Result<(), validator::ValidationError> {
    if tags
        .iter()
        .any(|t| t.trim().is_empty() || t.chars().count() > 50)
    {
        return Err(validator::ValidationError::new("tag")
            .with_message("each entry must be 1-50 characters".into()));
    }
    Ok(())
}

/// A mentor as clients see them.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MentorDto {
    /// Profile id.
    pub id: Uuid,
    /// The mentor's user.
    pub user_id: Uuid,
    /// Display name.
    pub full_name: String,
    /// One line.
    pub headline: String,
    /// About.
    pub bio: String,
    /// Expertise tags.
    pub expertise: Vec<String>,
    /// Languages.
    pub languages: Vec<String>,
    /// Years of experience.
    pub years: i32,
    /// Price of a session in tokens.
    pub price_tokens: i64,
    /// IANA time zone.
    pub timezone: String,
    /// The profile's status.
    pub status: MentorStatus,
    /// Average rating (1-5), when rated.
    pub rating: Option<f64>,
    /// Ratings.
    pub rating_count: i32,
    /// The next open slot, when any.
    pub next_open_slot: Option<SlotDto>,
}

impl MentorDto {
    /// From a row and its next slot.
    pub fn new(p: mentor_profiles::Model, next: Option<SlotDto>) -> Self {
        let list = |v: serde_json::Value| serde_json::from_value(v).unwrap_or_default();
        Self {
            id: p.id,
            user_id: p.user_id,
            full_name: p.full_name,
            headline: p.headline,
            bio: p.bio,
            expertise: list(p.expertise),
            languages: list(p.languages),
            years: p.years,
            price_tokens: p.price_tokens,
            timezone: p.timezone,
            status: p.status,
            rating: (p.rating_count > 0).then(|| p.rating_sum as f64 / f64::from(p.rating_count)),
            rating_count: p.rating_count,
            next_open_slot: next,
        }
    }
}

/// A slot.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct SlotDto {
    /// Id.
    pub id: Uuid,
    /// Start.
    pub start_at: DateTime<Utc>,
    /// End.
    pub end_at: DateTime<Utc>,
    /// The slot's status.
    pub status: SlotStatus,
}

impl From<mentor_slots::Model> for SlotDto {
    fn from(s: mentor_slots::Model) -> Self {
        Self {
            id: s.id,
            start_at: s.starts_at,
            end_at: s.ends_at,
            status: s.status,
        }
    }
}

/// A slot to open.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct NewSlot {
    /// Start (in the future).
    pub start_at: DateTime<Utc>,
    /// End (after the start, at most 8 hours later).
    pub end_at: DateTime<Utc>,
}

/// New times for an open slot; a field left out keeps its value. The result obeys the
/// limits of [`NewSlot`]: start in the future, end after it and at most 8 hours later.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlotPatch {
    /// New start (in the future).
    pub start_at: Option<DateTime<Utc>>,
    /// New end (after the start, at most 8 hours later).
    pub end_at: Option<DateTime<Utc>>,
}

/// Filters of the mentor list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MentorFilter {
    /// Has this expertise tag.
    pub expertise: Option<String>,
    /// Speaks this language.
    pub language: Option<String>,
    /// Price at least.
    pub min_price: Option<i64>,
    /// Price at most.
    pub max_price: Option<i64>,
    /// Has an open slot starting at or after.
    pub available_from: Option<DateTime<Utc>>,
    /// … and before.
    pub available_to: Option<DateTime<Utc>>,
    /// Page size, 1-100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    #[param(max_length = 2048)]
    pub cursor: Option<String>,
}

/// A range of time.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Range {
    /// From (default now).
    pub from: Option<DateTime<Utc>>,
    /// To (default 30 days after `from`).
    pub to: Option<DateTime<Utc>>,
}

/// A booking made.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BookingDto {
    /// Booking id.
    pub booking_id: Uuid,
    /// Its meeting.
    pub meeting_id: Uuid,
    /// The slot.
    pub slot_id: Uuid,
    /// Tokens held for it.
    pub tokens_held: i64,
    /// The booking's status.
    pub status: BookingStatus,
    /// Tokens returned on cancellation.
    pub refunded_tokens: Option<i64>,
}

/// Why a booking is cancelled.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[schema(as = BookingCancelRequest)]
pub struct CancelRequest {
    /// Reason, up to 500 characters.
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    pub reason: Option<String>,
}

/// A meeting.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MeetingDto {
    /// Id.
    pub id: Uuid,
    /// Its booking.
    pub booking_id: Uuid,
    /// The meeting's status.
    pub status: MeetingStatus,
    /// Scheduled start.
    pub starts_at: DateTime<Utc>,
    /// Scheduled end.
    pub ends_at: DateTime<Utc>,
    /// The two participants' user ids: mentor, student.
    pub participants: Vec<Participant>,
}

/// A participant.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Participant {
    /// User id.
    pub user_id: Uuid,
    /// `mentor` or `student`.
    pub role: String,
}

/// A completed meeting.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Completed {
    /// The meeting.
    pub meeting_id: Uuid,
    /// The meeting's status (`completed`).
    pub status: MeetingStatus,
}

/// Where and when to join a meeting.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct JoinInfo {
    /// The meeting.
    pub meeting_id: Uuid,
    /// The Socket.IO room to `join-room` (the meeting id).
    pub room_id: Uuid,
    /// The caller's role in it: `mentor`, `student` or `admin`.
    pub role: String,
    /// Joining opens.
    pub opens_at: DateTime<Utc>,
    /// Joining closes.
    pub closes_at: DateTime<Utc>,
}

/// A student's feedback.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct FeedbackRequest {
    /// 1-5.
    #[validate(range(min = 1, max = 5))]
    #[schema(minimum = 1, maximum = 5)]
    pub rating: i16,
    /// Up to 2,000 characters.
    #[validate(length(max = 2000))]
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub comment: String,
}

/// Where to move a booking.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct RescheduleRequest {
    /// An open slot of the same mentor.
    pub slot_id: Uuid,
}

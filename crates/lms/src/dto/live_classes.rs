//! Bodies of live classes and their attendance.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::entities::live_classes;

/// A new live class of a course (ADMIN).
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct NewLiveClass {
    /// Title.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Description.
    #[serde(default)]
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub description: String,
    /// Starts.
    pub starts_at: DateTime<Utc>,
    /// Ends: after `starts_at`, at most 24 hours later.
    pub ends_at: DateTime<Utc>,
    /// Where students join (http or https).
    #[validate(length(min = 1, max = 2048), url)]
    #[schema(min_length = 1, max_length = 2048, pattern = "^https?://")]
    pub join_url: String,
    /// Only this batch of the course (default: every student of the course).
    pub batch_id: Option<Uuid>,
}

/// Changes to a live class (ADMIN); absent fields stay as they are.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
pub struct LiveClassUpdate {
    /// Title.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    /// Description.
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    /// Starts.
    pub starts_at: Option<DateTime<Utc>>,
    /// Ends.
    pub ends_at: Option<DateTime<Utc>>,
    /// Where students join.
    #[validate(length(min = 1, max = 2048), url)]
    #[schema(min_length = 1, max_length = 2048, pattern = "^https?://")]
    pub join_url: Option<String>,
    /// Storage key of the recording (an uploaded object of this platform), set after the
    /// class; students get a signed URL.
    #[validate(length(min = 1, max = 1024))]
    #[schema(min_length = 1, max_length = 1024)]
    pub recording_key: Option<String>,
}

/// A live class.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LiveClassDto {
    /// Id.
    pub id: Uuid,
    /// Course.
    pub course_id: Uuid,
    /// Only this batch (none: the whole course).
    pub batch_id: Option<Uuid>,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Starts.
    pub starts_at: DateTime<Utc>,
    /// Ends.
    pub ends_at: DateTime<Utc>,
    /// Where to join (admins; students get it from the join route).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub join_url: Option<String>,
    /// Signed URL of the recording, once there is one.
    pub recording_url: Option<String>,
    /// Whether the caller joined it (students).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attended: Option<bool>,
}

impl LiveClassDto {
    /// The class with its join URL (the admin's view); no recording URL yet.
    pub fn admin(c: live_classes::Model) -> Self {
        Self {
            id: c.id,
            course_id: c.course_id,
            batch_id: c.batch_id,
            title: c.title,
            description: c.description,
            starts_at: c.starts_at,
            ends_at: c.ends_at,
            join_url: Some(c.join_url),
            recording_url: None,
            attended: None,
        }
    }
}

/// Live classes in time order.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LiveClassList {
    /// Classes.
    pub items: Vec<LiveClassDto>,
    /// Always null.
    pub next_cursor: Option<String>,
}

/// Which classes a student lists.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClassQuery {
    /// `true`: classes that are over (newest first, with recordings); default: upcoming and
    /// running ones, soonest first.
    pub past: Option<bool>,
}

/// A recorded join.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Joined {
    /// The class.
    pub live_class_id: Uuid,
    /// Where to join.
    pub join_url: String,
    /// When the student first joined (attendance is recorded once).
    pub joined_at: DateTime<Utc>,
}

/// One student's attendance of a class.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Attendance {
    /// Student.
    pub user_id: Uuid,
    /// Name.
    pub full_name: String,
    /// Email.
    pub email: String,
    /// First join.
    pub joined_at: DateTime<Utc>,
}

/// Who attended a class, in join order.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AttendanceList {
    /// Students.
    pub items: Vec<Attendance>,
    /// Always null.
    pub next_cursor: Option<String>,
}

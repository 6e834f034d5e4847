//! Bodies of the emailed action links.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::entities::meetings::MeetingStatus;

/// The token of an emailed link.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LinkQuery {
    /// The token from the email (absent or invalid: 401 `invalid_token`).
    pub token: Option<String>,
}

/// What a link will do (`GET`, which never uses it up).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LinkInfo {
    /// `complete`.
    pub action: String,
    /// The meeting.
    pub meeting_id: Uuid,
    /// The meeting's status now.
    pub status: MeetingStatus,
    /// Scheduled start.
    pub starts_at: DateTime<Utc>,
    /// Scheduled end.
    pub ends_at: DateTime<Utc>,
    /// The link stops working.
    pub expires_at: DateTime<Utc>,
}

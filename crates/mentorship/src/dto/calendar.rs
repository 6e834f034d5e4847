//! Bodies of `/api/google-calendar/*`. No body ever carries a token.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// Where to send the mentor to grant calendar access.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CalendarConnect {
    /// Google's consent page (scope `calendar.events`, offline access, PKCE, `state`).
    pub authorization_url: String,
}

/// Google's redirect back to `/api/google-calendar/callback`.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CalendarCallback {
    /// The authorization code.
    #[validate(length(min = 1, max = 2048))]
    #[param(min_length = 1, max_length = 2048)]
    pub code: Option<String>,
    /// The state `GET /api/google-calendar/connect` issued.
    #[validate(length(min = 1, max = 256))]
    #[param(min_length = 1, max_length = 256)]
    pub state: Option<String>,
    /// Set instead of `code` when the mentor declined or Google failed.
    #[validate(length(max = 256))]
    #[param(max_length = 256)]
    pub error: Option<String>,
}

/// Whether the caller's Google Calendar is connected.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CalendarStatus {
    /// Connected: bookings create events on the primary calendar.
    pub connected: bool,
    /// The scopes granted.
    pub scope: Option<String>,
    /// When it was connected.
    pub connected_at: Option<DateTime<Utc>>,
}

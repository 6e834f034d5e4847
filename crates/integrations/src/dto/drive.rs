//! Bodies of `/api/google-drive-connector/*`. No body ever carries a token.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// Where to send the user to grant Drive access.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DriveConnect {
    /// Google's consent page (scope `drive.readonly`, offline access, PKCE, `state`).
    pub authorization_url: String,
}

/// Google's redirect, passed on to `/api/google-drive-connector/callback` by the frontend.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DriveCallback {
    /// The authorization code.
    #[validate(length(min = 1, max = 2048))]
    #[param(min_length = 1, max_length = 2048)]
    pub code: Option<String>,
    /// The state `POST /api/google-drive-connector/connect` issued.
    #[validate(length(min = 1, max = 256))]
    #[param(min_length = 1, max_length = 256)]
    pub state: Option<String>,
    /// Set instead of `code` when the user declined or Google failed.
    #[validate(length(max = 256))]
    #[param(max_length = 256)]
    pub error: Option<String>,
}

/// Whether the caller's Google Drive is connected on this platform.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DriveStatus {
    /// Connected.
    pub connected: bool,
    /// The scopes granted.
    pub scope: Option<String>,
    /// When it was connected.
    pub connected_at: Option<DateTime<Utc>>,
}

/// `GET /api/google-drive-connector/files`.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DriveFilesQuery {
    /// Text the file names must contain (at most 100 characters, no control characters).
    #[validate(length(max = 100))]
    #[param(max_length = 100)]
    pub q: Option<String>,
    /// The `next_page_token` of the previous page.
    #[validate(length(min = 1, max = 1024))]
    #[param(min_length = 1, max_length = 1024)]
    pub page_token: Option<String>,
}

/// A Drive file stored in object storage.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ImportedFile {
    /// The object key (`<platform>/google-drive/<yyyy>/<mm>/<uuid>-<name>`).
    pub key: String,
    /// A signed download URL, valid for `SIGNED_URL_TTL_SECS`.
    pub url: String,
    /// Size in bytes.
    pub size: u64,
    /// Media type (the export format for Google Docs, Sheets, Slides, Drawings).
    pub content_type: String,
    /// The stored file name.
    pub name: String,
    /// Drive's id of the source file.
    pub drive_file_id: String,
}

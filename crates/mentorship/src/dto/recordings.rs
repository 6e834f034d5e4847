//! Bodies of the recording routes.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::{Validate, ValidationError};

use crate::entities::meeting_recordings::{self, RecordingStatus};

/// A recording about to be uploaded.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct NewRecording {
    /// The file's name (a sanitised form of it ends up in the key), 1-255 characters.
    #[validate(length(min = 1, max = 255))]
    #[schema(min_length = 1, max_length = 255)]
    pub filename: String,
    /// An audio or video media type on the storage allow-list (`video/webm`, `audio/mpeg`, …).
    #[validate(custom(function = "recording_type"))]
    #[schema(schema_with = storage::media::recording_schema)]
    pub content_type: String,
    /// Exact size in bytes (at most `UPLOAD_MAX_BYTES`).
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub size: u64,
}

fn recording_type(value: &str) -> Result<(), ValidationError> {
    match storage::media::allowed(value) {
        Some(t) if t.starts_with("audio/") || t.starts_with("video/") => Ok(()),
        _ => Err(ValidationError::new("content_type")
            .with_message("must be an accepted audio or video media type".into())),
    }
}

/// A recording's metadata.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RecordingDto {
    /// Id.
    pub id: Uuid,
    /// The meeting.
    pub meeting_id: Uuid,
    /// Storage key.
    pub key: String,
    /// File name.
    pub filename: String,
    /// Media type.
    pub content_type: String,
    /// Size in bytes.
    pub size: i64,
    /// `pending` or `uploaded`.
    pub status: RecordingStatus,
    /// Who uploaded it.
    pub created_by: Uuid,
    /// Started.
    pub created_at: DateTime<Utc>,
    /// Confirmed.
    pub uploaded_at: Option<DateTime<Utc>>,
    /// A short-lived signed playback URL (uploaded recordings, in lists).
    pub playback_url: Option<String>,
    /// When `playback_url` stops working.
    pub playback_expires_at: Option<DateTime<Utc>>,
}

impl From<meeting_recordings::Model> for RecordingDto {
    fn from(r: meeting_recordings::Model) -> Self {
        Self {
            id: r.id,
            meeting_id: r.meeting_id,
            key: r.object_key,
            filename: r.filename,
            content_type: r.content_type,
            size: r.size_bytes,
            status: r.status,
            created_by: r.created_by,
            created_at: r.created_at,
            uploaded_at: r.uploaded_at,
            playback_url: None,
            playback_expires_at: None,
        }
    }
}

/// Where and how to upload.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UploadTarget {
    /// The presigned URL.
    pub url: String,
    /// `PUT`.
    pub method: String,
    /// Headers the upload must send exactly.
    pub headers: BTreeMap<String, String>,
    /// When the URL stops working.
    pub expires_at: DateTime<Utc>,
}

/// A started recording upload (201).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RecordingUpload {
    /// The metadata row (`pending`).
    pub recording: RecordingDto,
    /// Upload there, then `POST …/recordings/{rid}/complete`.
    pub upload: UploadTarget,
}

/// Recordings of a meeting.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RecordingList {
    /// Oldest first (at most 100).
    pub items: Vec<RecordingDto>,
    /// Always null: a meeting's recordings fit one page.
    pub next_cursor: Option<String>,
}

//! Request and response bodies of the storage routes.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::{Validate, ValidationError};

/// The multipart form of `POST /api/upload` (documentation only; the handler streams it):
/// at most 8 parts; parts other than `file` and `folder` are ignored.
#[derive(Debug, ToSchema)]
#[schema(max_properties = 8)]
pub struct UploadForm {
    /// The file; its part's `Content-Type` must be on the allow-list and its size at most
    /// `UPLOAD_MAX_BYTES`.
    #[schema(value_type = String, format = Binary, min_length = 1)]
    pub file: Vec<u8>,
    /// Optional sub-folder: 1-3 segments of lowercase letters, digits, `_` and `-`.
    #[schema(pattern = r"^\s*/*([a-z0-9][a-z0-9_-]{0,63}(/[a-z0-9][a-z0-9_-]{0,63}){0,2})?/*\s*$")]
    pub folder: Option<String>,
}

/// Raw bytes (documentation of the local signed routes' bodies).
#[derive(Debug, ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct Binary(pub Vec<u8>);

/// A stored upload (`POST /api/upload`, 201).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UploadedFile {
    /// The object key (`<platform>/[<folder>/]<yyyy>/<mm>/<uuid>-<name>`); keep it to ask for
    /// fresh URLs later.
    pub key: String,
    /// A signed download URL, valid for `SIGNED_URL_TTL_SECS`.
    pub url: String,
    /// Size in bytes.
    pub size: u64,
    /// Media type.
    pub content_type: String,
}

/// `POST /api/upload/presign`: what the client is about to upload.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct PresignRequest {
    /// The file's name (only a sanitised form of it ends up in the key).
    #[validate(length(min = 1, max = 255))]
    #[schema(min_length = 1, max_length = 255)]
    pub filename: String,
    /// Its media type; must be on the allow-list.
    #[validate(custom(function = "allowed_content_type"))]
    #[schema(schema_with = crate::media::allowed_schema)]
    pub content_type: String,
    /// Its exact size in bytes, at most `UPLOAD_MAX_BYTES` (the upload must send exactly this
    /// many).
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub size: u64,
    /// Optional sub-folder: 1-3 segments of lowercase letters, digits, `_` and `-`.
    #[validate(custom(function = "valid_folder"))]
    #[schema(pattern = r"^\s*/*([a-z0-9][a-z0-9_-]{0,63}(/[a-z0-9][a-z0-9_-]{0,63}){0,2})?/*\s*$")]
    pub folder: Option<String>,
}

fn allowed_content_type(value: &str) -> Result<(), ValidationError> {
    match crate::media::allowed(value) {
        Some(_) => Ok(()),
        None => Err(ValidationError::new("unsupported_media_type")
            .with_message("is not an accepted media type".into())),
    }
}

fn valid_folder(value: &str) -> Result<(), ValidationError> {
    crate::keys::parse_folder(value)
        .map(|_| ())
        .map_err(|message| ValidationError::new("folder").with_message(message.into()))
}

/// `POST /api/upload/presign` (200): where and how to upload.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PresignResponse {
    /// The key the object will have.
    pub key: String,
    /// Send the bytes here.
    pub upload_url: String,
    /// Always `PUT`.
    pub method: String,
    /// Headers to send exactly as given (`Content-Type`); the body must be exactly `size`
    /// bytes.
    pub headers: BTreeMap<String, String>,
    /// When `upload_url` stops working.
    pub expires_at: DateTime<Utc>,
}

/// `GET /api/upload/url` query.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UrlQuery {
    /// A key of the caller's platform.
    #[validate(length(min = 1, max = 1024))]
    #[param(
        max_length = 1024,
        pattern = r"^[a-z0-9-]{1,200}(/[A-Za-z0-9_-][A-Za-z0-9._-]{0,199})+$"
    )]
    pub key: String,
}

/// A signed download URL (`GET /api/upload/url`).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SignedUrlResponse {
    /// The URL.
    pub url: String,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// Query of the local signed routes.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SignedQuery {
    /// Unix seconds after which the URL is refused.
    pub expires: Option<String>,
    /// HMAC-SHA256 signature, lowercase hex.
    pub sig: Option<String>,
}

/// An object stored through a local signed upload URL.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct StoredObject {
    /// The key.
    pub key: String,
    /// Size in bytes.
    pub size: u64,
    /// Media type.
    pub content_type: String,
}

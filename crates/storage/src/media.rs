//! The media types uploads may have.
//!
//! Files are served back from this origin (local store) or a bucket the frontends trust, so
//! anything a browser would execute (HTML, SVG, JavaScript, XML) is refused.

/// Accepted media types: images, PDF, audio, video and common office documents.
pub const ALLOWED_CONTENT_TYPES: &[&str] = &[
    // images (no SVG: it can carry script)
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/avif",
    "image/heic",
    "image/heif",
    // documents
    "application/pdf",
    "text/plain",
    "text/csv",
    "application/rtf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
    // audio
    "audio/mpeg",
    "audio/mp4",
    "audio/aac",
    "audio/wav",
    "audio/x-wav",
    "audio/webm",
    "audio/ogg",
    "audio/x-m4a",
    // video
    "video/mp4",
    "video/webm",
    "video/quicktime",
    "video/ogg",
    "video/x-matroska",
];

/// The OpenAPI schema of a media type on the allow-list (an enum of [`ALLOWED_CONTENT_TYPES`]).
pub fn allowed_schema() -> utoipa::openapi::Object {
    enum_schema(ALLOWED_CONTENT_TYPES.iter().copied())
}

/// The OpenAPI schema of an audio or video media type on the allow-list (recordings).
pub fn recording_schema() -> utoipa::openapi::Object {
    enum_schema(
        ALLOWED_CONTENT_TYPES
            .iter()
            .copied()
            .filter(|t| t.starts_with("audio/") || t.starts_with("video/")),
    )
}

fn enum_schema<'a>(values: impl Iterator<Item = &'a str>) -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::String)
        .enum_values(Some(values))
        .build()
}

/// The essence of a media type (`Text/Plain; charset=utf-8` -> `text/plain`).
pub fn essence(raw: &str) -> String {
    raw.split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// The normalised media type when it is on the allow-list.
pub fn allowed(raw: &str) -> Option<String> {
    let essence = essence(raw);
    ALLOWED_CONTENT_TYPES
        .contains(&essence.as_str())
        .then_some(essence)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_list_normalises_and_refuses_active_content() {
        assert_eq!(allowed("Image/PNG").as_deref(), Some("image/png"));
        assert_eq!(
            allowed("text/plain; charset=utf-8").as_deref(),
            Some("text/plain")
        );
        for refused in [
            "text/html",
            "image/svg+xml",
            "application/javascript",
            "application/xml",
            "application/octet-stream",
            "",
        ] {
            assert_eq!(allowed(refused), None, "{refused}");
        }
    }
}

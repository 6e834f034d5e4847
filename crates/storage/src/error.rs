//! The crate's errors and how they answer: problem+json through [`kernel::AppError`], plus
//! the two answers `AppError` cannot name a field in (413 and 415 naming the form field).

use actix_web::{
    HttpResponse, ResponseError,
    http::{StatusCode, header},
};
use kernel::{
    AppError, FieldError,
    error::{ErrorCode, PROBLEM_JSON, Problem, codes as kernel_codes, problem_body},
};

/// Storage's error codes.
pub mod codes {
    kernel::error_codes! {
        /// The signed URL was altered or is incomplete.
        INVALID_URL_SIGNATURE = FORBIDDEN "invalid_url_signature";
        /// The signed URL was genuine but is past its expiry.
        URL_EXPIRED = FORBIDDEN "url_expired";
        /// The multipart form could not be read or has too many parts.
        MALFORMED_MULTIPART = BAD_REQUEST "malformed_multipart";
    }
}

/// What can go wrong storing, signing or serving an object.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// 422 naming `key`: the key is malformed (traversal, odd characters, no platform).
    #[error("invalid key: {0}")]
    InvalidKey(String),
    /// 404: no such object, or one of another platform.
    #[error("no object {0}")]
    NotFound(String),
    /// 403 `invalid_url_signature`: the signed URL was altered or is incomplete.
    #[error("the URL signature is missing or does not match")]
    InvalidSignature,
    /// 403 `url_expired`: the signed URL was genuine but is past its expiry.
    #[error("the signed URL has expired")]
    Expired,
    /// 413 `payload_too_large` naming the field.
    #[error("{field} is larger than {limit} bytes")]
    TooLarge {
        /// The form or JSON field (`file`, `size`).
        field: &'static str,
        /// The limit in bytes.
        limit: usize,
    },
    /// 415 `unsupported_media_type` naming the field.
    #[error("{field}: {content_type:?} is not an accepted media type")]
    UnsupportedMediaType {
        /// The form or JSON field (`file`, `content_type`).
        field: &'static str,
        /// What the client sent.
        content_type: String,
    },
    /// Any other API error (validation, auth…), answered as it is.
    #[error(transparent)]
    App(#[from] AppError),
    /// The object store failed (I/O, S3): an opaque 500, the cause goes to the log.
    #[error("object store error")]
    Backend(#[source] object_store::Error),
    /// Anything else unexpected: an opaque 500.
    #[error("unexpected storage error")]
    Unexpected(#[from] anyhow::Error),
}

impl StorageError {
    /// Maps an object-store error on `key`: a missing object is a 404, anything else a 500.
    pub fn from_store(err: object_store::Error, key: &str) -> Self {
        match err {
            object_store::Error::NotFound { .. } => Self::NotFound(key.to_owned()),
            other => {
                tracing::warn!(key, error = %other, "object store operation failed");
                Self::Backend(other)
            }
        }
    }

    /// The problem body of this error for the current request.
    pub fn problem(&self) -> Problem {
        let (base, field) = match self {
            Self::App(err) => return err.problem(),
            Self::InvalidKey(message) => (AppError::invalid_field("key", message.clone()), None),
            Self::NotFound(key) => (AppError::not_found(format!("no object {key:?}")), None),
            Self::InvalidSignature | Self::Expired => {
                (AppError::new(self.code(), self.to_string()), None)
            }
            Self::TooLarge { field, limit } => (
                AppError::PayloadTooLarge { limit: *limit },
                Some((*field, format!("must be at most {limit} bytes"))),
            ),
            Self::UnsupportedMediaType {
                field,
                content_type,
            } => (
                AppError::unsupported_media_type(self.to_string()),
                Some((
                    *field,
                    format!("{content_type:?} is not an accepted media type"),
                )),
            ),
            Self::Backend(_) | Self::Unexpected(_) => (
                AppError::Unexpected(anyhow::anyhow!("storage failure")),
                None,
            ),
        };
        let mut problem = base.problem();
        if let Some((field, message)) = field {
            problem.detail = format!("{field}: {message}");
            problem.errors = Some(vec![FieldError::new(field, message)]);
        }
        problem
    }
}

impl StorageError {
    /// The registered code this error answers (its status comes with it).
    pub fn code(&self) -> &'static ErrorCode {
        match self {
            Self::App(err) => err.error_code(),
            Self::InvalidKey(_) => &kernel_codes::VALIDATION_FAILED,
            Self::NotFound(_) => &kernel_codes::NOT_FOUND,
            Self::InvalidSignature => &codes::INVALID_URL_SIGNATURE,
            Self::Expired => &codes::URL_EXPIRED,
            Self::TooLarge { .. } => &kernel_codes::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType { .. } => &kernel_codes::UNSUPPORTED_MEDIA_TYPE,
            Self::Backend(_) | Self::Unexpected(_) => &kernel_codes::INTERNAL_ERROR,
        }
    }
}

impl From<StorageError> for AppError {
    /// For callers in other crates that work in [`AppError`]; the field of a 413/415 is kept
    /// in the detail only.
    fn from(err: StorageError) -> Self {
        match err {
            StorageError::App(e) => e,
            StorageError::InvalidKey(message) => AppError::invalid_field("key", message),
            StorageError::NotFound(key) => AppError::not_found(format!("no object {key:?}")),
            StorageError::TooLarge { limit, .. } => AppError::PayloadTooLarge { limit },
            e @ StorageError::UnsupportedMediaType { .. } => {
                AppError::unsupported_media_type(e.to_string())
            }
            e @ (StorageError::InvalidSignature | StorageError::Expired) => {
                AppError::new(e.code(), e.to_string())
            }
            StorageError::Backend(e) => {
                AppError::Unexpected(anyhow::Error::new(e).context("object store"))
            }
            StorageError::Unexpected(e) => AppError::Unexpected(e),
        }
    }
}

impl ResponseError for StorageError {
    fn status_code(&self) -> StatusCode {
        self.code().status
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::App(err) => return err.error_response(),
            Self::Backend(_) | Self::Unexpected(_) => {
                tracing::error!(error.cause_chain = ?self, error.message = %self, "storage failure");
            }
            _ => {}
        }
        HttpResponse::build(self.status_code())
            .insert_header((header::CONTENT_TYPE, PROBLEM_JSON))
            .body(problem_body(&self.problem()))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn size_and_type_problems_name_the_field() {
        let p = StorageError::TooLarge {
            field: "file",
            limit: 10,
        }
        .problem();
        assert_eq!((p.status, p.code.as_str()), (413, "payload_too_large"));
        assert_eq!(p.errors.unwrap()[0].field, "file");
        let p = StorageError::UnsupportedMediaType {
            field: "file",
            content_type: "text/html".into(),
        }
        .problem();
        assert_eq!((p.status, p.code.as_str()), (415, "unsupported_media_type"));
        assert_eq!(p.errors.unwrap()[0].field, "file");
    }

    #[test]
    fn signature_problems_have_their_own_codes_and_backend_errors_are_opaque() {
        assert_eq!(
            StorageError::InvalidSignature.problem().code,
            "invalid_url_signature"
        );
        assert_eq!(StorageError::Expired.problem().code, "url_expired");
        let err = StorageError::Backend(object_store::Error::Generic {
            store: "S3",
            source: "secret-ish detail".into(),
        });
        let p = err.problem();
        assert_eq!(p.status, 500);
        assert!(!p.detail.contains("secret-ish"));
    }
}

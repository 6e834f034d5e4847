//! Why a Judge0 submission was not run, and the answer each reason gives.

use kernel::AppError;

use crate::error::codes;

/// Why a submission was not run (no message ever holds the Judge0 token).
#[derive(Debug, thiserror::Error)]
pub enum Judge0Error {
    /// 422 on `language_id`: not on `JUDGE0_LANGUAGES`.
    #[error("language {0} is not allowed (GET /api/judge0/languages lists the allowed ones)")]
    LanguageNotAllowed(u32),
    /// 422 on the field: over `JUDGE0_MAX_SOURCE_BYTES` / `JUDGE0_MAX_STDIN_BYTES`.
    #[error("must be at most {limit} bytes")]
    TooLarge {
        /// `source_code`, `stdin` or `expected_output`.
        field: &'static str,
        /// The limit in bytes.
        limit: usize,
    },
    /// 503 `judge0_unavailable`: Judge0 could not be reached, answered 5xx or 429, or refused
    /// the deployment's token.
    #[error("Judge0 is unavailable: {0}")]
    Unavailable(String),
    /// 504 `judge0_timeout`: no result within `JUDGE0_TIMEOUT_SECONDS`.
    #[error("Judge0 did not finish within {0} s")]
    Timeout(u64),
    /// 502 `judge0_error`: Judge0 refused the submission (a 4xx) or answered an unreadable
    /// body.
    #[error("Judge0 refused the submission: {0}")]
    Rejected(String),
}

impl Judge0Error {
    /// Whether trying again later may succeed (Judge0 down, busy or slow).
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Unavailable(_) | Self::Timeout(_))
    }
}

impl From<Judge0Error> for AppError {
    fn from(err: Judge0Error) -> Self {
        match err {
            Judge0Error::LanguageNotAllowed(_) => {
                AppError::invalid_field("language_id", err.to_string())
            }
            Judge0Error::TooLarge { field, .. } => AppError::invalid_field(field, err.to_string()),
            Judge0Error::Unavailable(_) => {
                AppError::new(&codes::JUDGE0_UNAVAILABLE, err.to_string())
            }
            Judge0Error::Timeout(_) => AppError::new(&codes::JUDGE0_TIMEOUT, err.to_string()),
            Judge0Error::Rejected(_) => AppError::new(&codes::JUDGE0_ERROR, err.to_string()),
        }
    }
}

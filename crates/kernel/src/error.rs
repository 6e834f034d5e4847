//! The one error type of the HTTP API, rendered as RFC 9457 `application/problem+json`:
//! `{type, title, status, detail, code, request_id, errors?}`.
//!
//! Every status mapping lives here. `code` is snake_case and stable: clients switch on it.
//! Unexpected errors answer an opaque 500; their cause chain goes to the log only.

use std::borrow::Cow;

use actix_web::{
    HttpResponse, ResponseError,
    http::{StatusCode, header},
};
use sea_orm::{DbErr, SqlErr};
use serde::Serialize;
use utoipa::ToSchema;

use crate::request_id;

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// One invalid input field of a 422 answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// Path of the field in the request (`email`, `items[2].qty`, `query.limit`).
    pub field: String,
    /// What is wrong with it, for humans.
    pub message: String,
}

impl FieldError {
    /// A field error.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// The problem+json body (documentation and tests deserialize the same shape).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the problem type: `urn:mas:problem:<code>`.
    #[serde(rename = "type")]
    pub type_uri: String,
    /// Short summary of the problem type.
    pub title: String,
    /// HTTP status code.
    pub status: u16,
    /// Human explanation of this occurrence.
    pub detail: String,
    /// Stable snake_case code clients can switch on.
    pub code: String,
    /// The request id (also in `X-Request-Id`).
    pub request_id: String,
    /// Field errors (422 only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
}

/// An error the API answers with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: a request that cannot be understood (the code says why).
    #[error("{detail}")]
    BadRequest {
        /// Stable code, e.g. `malformed_json`, `unknown_platform`.
        code: Cow<'static, str>,
        /// Human explanation.
        detail: String,
    },
    /// 401: credentials missing or invalid.
    #[error("{detail}")]
    Unauthorized {
        /// Stable code, e.g. `unauthorized`, `invalid_credentials`.
        code: Cow<'static, str>,
        /// Human explanation.
        detail: String,
    },
    /// 402: not enough balance for the operation.
    #[error("{detail}")]
    PaymentRequired {
        /// Stable code, e.g. `insufficient_tokens`.
        code: Cow<'static, str>,
        /// Human explanation.
        detail: String,
    },
    /// 403: authenticated, but not allowed.
    #[error("{detail}")]
    Forbidden {
        /// Stable code, e.g. `forbidden`, `wrong_platform`.
        code: Cow<'static, str>,
        /// Human explanation.
        detail: String,
    },
    /// 404: no such resource (or a route of a module the platform has not enabled).
    #[error("{detail}")]
    NotFound {
        /// Stable code, usually `not_found`.
        code: Cow<'static, str>,
        /// Human explanation.
        detail: String,
    },
    /// 405: the path exists but not with this method.
    #[error("method not allowed; allowed: {}", allow.join(", "))]
    MethodNotAllowed {
        /// Methods the path answers.
        allow: Vec<String>,
    },
    /// 409: the request conflicts with current state (unique keys, state machines).
    #[error("{detail}")]
    Conflict {
        /// Stable code, e.g. `conflict`, `email_taken`, `slot_taken`.
        code: Cow<'static, str>,
        /// Human explanation.
        detail: String,
        /// The field that conflicts, when known.
        field: Option<String>,
    },
    /// 413: the body is over the limit.
    #[error("request body is larger than {limit} bytes")]
    PayloadTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// 415: the body is not of a supported media type.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 422: the input is well-formed but invalid; names each field.
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// 429: too many requests; retry after the given seconds.
    #[error("too many requests")]
    TooManyRequests {
        /// Seconds until a retry may succeed (`Retry-After`).
        retry_after_secs: u64,
    },
    /// 503: a dependency or provider is unavailable (`provider_not_configured`, `not_ready`).
    #[error("{detail}")]
    ServiceUnavailable {
        /// Stable code.
        code: Cow<'static, str>,
        /// Human explanation.
        detail: String,
    },
    /// 503 `database_unavailable` with `Retry-After`: PostgreSQL could not be reached within
    /// the pool's acquire timeout (`DB_ACQUIRE_TIMEOUT_MS`) or the connection broke. The cause
    /// is logged, never answered.
    #[error("the database is unavailable")]
    DatabaseUnavailable,
    /// Any other status produced outside our handlers (kept as it was; code from its reason).
    #[error("{detail}")]
    Status {
        /// The status.
        status: StatusCode,
        /// Human explanation.
        detail: String,
    },
    /// 500: anything unexpected. The body is opaque; the chain is logged.
    #[error("unexpected error")]
    Unexpected(#[from] anyhow::Error),
}

/// Shorthand for results of handlers and services.
pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// 400 with a code and detail.
    pub fn bad_request(code: impl Into<Cow<'static, str>>, detail: impl Into<String>) -> Self {
        Self::BadRequest {
            code: code.into(),
            detail: detail.into(),
        }
    }
    /// 401 `unauthorized`.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::Unauthorized {
            code: "unauthorized".into(),
            detail: detail.into(),
        }
    }
    /// 403 `forbidden`.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::Forbidden {
            code: "forbidden".into(),
            detail: detail.into(),
        }
    }
    /// 404 `not_found`.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::NotFound {
            code: "not_found".into(),
            detail: detail.into(),
        }
    }
    /// 409 with a code, detail and the conflicting field.
    pub fn conflict(
        code: impl Into<Cow<'static, str>>,
        detail: impl Into<String>,
        field: Option<&str>,
    ) -> Self {
        Self::Conflict {
            code: code.into(),
            detail: detail.into(),
            field: field.map(str::to_owned),
        }
    }
    /// 422 naming one field.
    pub fn invalid_field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, message)])
    }
    /// 503 `provider_not_configured` for a provider without credentials.
    pub fn provider_not_configured(provider: &str) -> Self {
        Self::ServiceUnavailable {
            code: "provider_not_configured".into(),
            detail: format!("{provider} is not configured on this deployment"),
        }
    }

    /// Maps a unique-key violation to 409 with a code and field known at the call site;
    /// any other database error stays unexpected. Use right where the insert happens.
    pub fn on_unique(err: DbErr, code: &'static str, field: &str, detail: &str) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => Self::conflict(code, detail, Some(field)),
            _ => Self::from(err),
        }
    }

    /// The stable code of this error.
    pub fn code(&self) -> &str {
        match self {
            Self::BadRequest { code, .. }
            | Self::Unauthorized { code, .. }
            | Self::PaymentRequired { code, .. }
            | Self::Forbidden { code, .. }
            | Self::NotFound { code, .. }
            | Self::Conflict { code, .. }
            | Self::ServiceUnavailable { code, .. } => code,
            Self::DatabaseUnavailable => "database_unavailable",
            Self::Status { status, .. } => reason_code(*status),
            Self::MethodNotAllowed { .. } => "method_not_allowed",
            Self::PayloadTooLarge { .. } => "payload_too_large",
            Self::UnsupportedMediaType(_) => "unsupported_media_type",
            Self::Validation(_) => "validation_failed",
            Self::TooManyRequests { .. } => "too_many_requests",
            Self::Unexpected(_) => "internal_error",
        }
    }

    /// The problem body of this error for the current request.
    pub fn problem(&self) -> Problem {
        let status = self.status_code();
        let detail = match self {
            Self::Unexpected(_) => {
                "An unexpected error occurred. Quote the request id when reporting it.".to_owned()
            }
            Self::Validation(errors) if errors.len() == 1 => {
                format!("{}: {}", errors[0].field, errors[0].message)
            }
            Self::Validation(errors) => format!(
                "invalid fields: {}",
                errors
                    .iter()
                    .map(|e| e.field.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Self::Conflict {
                detail,
                field: Some(field),
                ..
            } => format!("{detail} (field: {field})"),
            other => other.to_string(),
        };
        let errors = match self {
            Self::Validation(errors) => Some(errors.clone()),
            Self::Conflict {
                field: Some(field),
                detail,
                ..
            } => Some(vec![FieldError::new(field.clone(), detail.clone())]),
            _ => None,
        };
        Problem {
            type_uri: format!("urn:mas:problem:{}", self.code()),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail,
            code: self.code().to_owned(),
            request_id: request_id::current().unwrap_or_default(),
            errors,
        }
    }
}

/// `Retry-After` of 503 `database_unavailable`.
pub const DATABASE_RETRY_AFTER_SECS: u64 = 2;

/// Whether a database error means PostgreSQL is unreachable (pool acquire timed out, the
/// connection was refused or broke) rather than a problem with the statement.
pub fn is_unavailable(err: &DbErr) -> bool {
    use sea_orm::{RuntimeErr, error::SqlxError};
    match err {
        // acquiring or opening a connection failed, whatever the cause
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        // a statement failed because its connection broke (not because of the statement)
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => matches!(
            e.as_ref(),
            SqlxError::Io(_)
                | SqlxError::Tls(_)
                | SqlxError::Protocol(_)
                | SqlxError::PoolTimedOut
                | SqlxError::PoolClosed
                | SqlxError::WorkerCrashed
        ),
        _ => false,
    }
}

/// Whether PostgreSQL refused a text value it cannot store: a NUL character (`\u0000`, SQLSTATE
/// 22021 `character_not_in_repertoire`), which JSON and query strings can carry.
pub fn is_unstorable_text(err: &DbErr) -> bool {
    use sea_orm::RuntimeErr;
    match err {
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => e
            .as_database_error()
            .and_then(|d| d.code())
            .is_some_and(|code| code == "22021"),
        _ => false,
    }
}

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        if is_unavailable(&err) {
            tracing::warn!(error = %err, "database unavailable");
            return Self::DatabaseUnavailable;
        }
        if is_unstorable_text(&err) {
            return Self::invalid_field(
                "request",
                "text must not contain NUL (\\u0000) characters",
            );
        }
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => Self::conflict(
                "conflict",
                "a record with the same unique value already exists",
                None,
            ),
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => Self::Conflict {
                code: "invalid_reference".into(),
                detail: "the request refers to a record that does not exist or is still referenced"
                    .into(),
                field: None,
            },
            _ => Self::Unexpected(anyhow::Error::new(err).context("database error")),
        }
    }
}

impl From<redis::RedisError> for AppError {
    fn from(err: redis::RedisError) -> Self {
        Self::Unexpected(anyhow::Error::new(err).context("redis error"))
    }
}

impl From<deadpool_redis::PoolError> for AppError {
    fn from(err: deadpool_redis::PoolError) -> Self {
        Self::Unexpected(anyhow::Error::new(err).context("redis pool error"))
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            Self::PaymentRequired { .. } => StatusCode::PAYMENT_REQUIRED,
            Self::Forbidden { .. } => StatusCode::FORBIDDEN,
            Self::NotFound { .. } => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::ServiceUnavailable { .. } | Self::DatabaseUnavailable => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Self::Status { status, .. } => *status,
            Self::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let Self::Unexpected(err) = self {
            tracing::error!(error.cause_chain = ?err, error.message = %err, "unexpected error");
        }
        let mut res = HttpResponse::build(self.status_code());
        res.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        match self {
            Self::MethodNotAllowed { allow } => {
                res.insert_header((header::ALLOW, allow.join(", ")));
            }
            Self::TooManyRequests { retry_after_secs } => {
                res.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            Self::DatabaseUnavailable => {
                res.insert_header((header::RETRY_AFTER, DATABASE_RETRY_AFTER_SECS.to_string()));
            }
            _ => {}
        }
        res.body(problem_body(&self.problem()))
    }
}

/// Serializes a problem; falls back to a fixed body if serialization ever failed.
pub fn problem_body(problem: &Problem) -> String {
    serde_json::to_string(problem).unwrap_or_else(|_| {
        r#"{"type":"urn:mas:problem:internal_error","title":"Internal Server Error","status":500,"detail":"","code":"internal_error","request_id":""}"#.to_owned()
    })
}

/// A snake_case code from a status's reason phrase ("I'm a teapot" -> `i_m_a_teapot`).
fn reason_code(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "bad_request",
        406 => "not_acceptable",
        408 => "request_timeout",
        410 => "gone",
        411 => "length_required",
        412 => "precondition_failed",
        414 => "uri_too_long",
        416 => "range_not_satisfiable",
        417 => "expectation_failed",
        418 => "i_m_a_teapot",
        421 => "misdirected_request",
        423 => "locked",
        424 => "failed_dependency",
        426 => "upgrade_required",
        428 => "precondition_required",
        431 => "request_header_fields_too_large",
        501 => "not_implemented",
        502 => "bad_gateway",
        504 => "gateway_timeout",
        s if s < 500 => "client_error",
        _ => "server_error",
    }
}

/// A problem answer for a bare status (used for errors produced outside our handlers).
pub fn problem_for_status(status: StatusCode, detail: Option<String>) -> AppError {
    let detail =
        detail.unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_lowercase());
    match status.as_u16() {
        400 => AppError::bad_request("bad_request", detail),
        401 => AppError::unauthorized(detail),
        403 => AppError::forbidden(detail),
        404 => AppError::not_found(detail),
        405 => AppError::MethodNotAllowed { allow: Vec::new() },
        413 => AppError::PayloadTooLarge {
            limit: crate::BODY_LIMIT_BYTES,
        },
        415 => AppError::UnsupportedMediaType(detail),
        429 => AppError::TooManyRequests {
            retry_after_secs: 1,
        },
        503 => AppError::ServiceUnavailable {
            code: "service_unavailable".into(),
            detail,
        },
        500 => AppError::Unexpected(anyhow::anyhow!("{status}: {detail}")),
        _ => AppError::Status { status, detail },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unexpected_errors_are_opaque() {
        let err = AppError::from(anyhow::anyhow!("password=hunter2 leaked in a message"));
        let problem = err.problem();
        assert_eq!(problem.status, 500);
        assert_eq!(problem.code, "internal_error");
        assert!(!problem.detail.contains("hunter2"));
    }

    #[test]
    fn validation_names_fields() {
        let err = AppError::Validation(vec![FieldError::new("email", "not an email")]);
        let p = err.problem();
        assert_eq!(p.status, 422);
        assert_eq!(p.detail, "email: not an email");
        assert_eq!(p.errors.unwrap()[0].field, "email");
        assert_eq!(p.type_uri, "urn:mas:problem:validation_failed");
    }

    #[test]
    fn conflict_with_a_field_lists_it() {
        let p =
            AppError::conflict("email_taken", "email already registered", Some("email")).problem();
        assert_eq!(p.status, 409);
        assert_eq!(p.code, "email_taken");
        assert_eq!(p.errors.unwrap()[0].field, "email");
    }
}

//! The one error type of the HTTP API, rendered as RFC 9457 `application/problem+json`:
//! `{type, title, status, detail, code, request_id, errors?}`.
//!
//! Every status mapping lives here. `code` is snake_case and stable: clients switch on it.
//! Unexpected errors answer an opaque 500; their cause chain goes to the log only.

use actix_web::{HttpResponse, ResponseError, http::header};
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

/// One stable error code of the API: the `code` clients switch on, the one status it answers
/// and what it means. Declared once, in the [`codes`] module of the crate that raises it (with
/// [`error_codes!`](crate::error_codes)); the gateway's registry test checks that every code is
/// unique, answers one status and is documented in `docs/errors.md`.
#[derive(Debug, PartialEq, Eq)]
pub struct ErrorCode {
    /// The name of the constant (`SLOT_TAKEN`), for the registry test's usage check.
    pub name: &'static str,
    /// The wire code (`slot_taken`).
    pub code: &'static str,
    /// The status every answer with this code has.
    pub status: StatusCode,
    /// What it means, for the documentation table.
    pub meaning: &'static str,
}

/// Declares a module's error codes as statics plus `ALL`, the list the registry test reads:
///
/// ```
/// kernel::error_codes! {
///     /// The slot is booked or gone.
///     SLOT_TAKEN = CONFLICT "slot_taken";
/// }
/// assert_eq!(SLOT_TAKEN.status.as_u16(), 409);
/// assert_eq!(ALL.len(), 1);
/// ```
#[macro_export]
macro_rules! error_codes {
    ($($(#[doc = $doc:literal])+ $name:ident = $status:ident $code:literal;)+) => {
        $(
            $(#[doc = $doc])+
            pub static $name: $crate::error::ErrorCode = $crate::error::ErrorCode {
                name: stringify!($name),
                code: $code,
                status: $crate::error::StatusCode::$status,
                meaning: concat!($($doc),+),
            };
        )+
        /// Every code this module declares (read by the gateway's registry test).
        pub static ALL: &[&$crate::error::ErrorCode] = &[$(&$name),+];
    };
}

#[doc(hidden)]
pub use actix_web::http::StatusCode;

/// The codes of the kernel: generic answers and the HTTP edge (tenant, credentials, bodies).
pub mod codes {
    crate::error_codes! {
        /// The request cannot be understood (a generic 400 produced outside our handlers).
        BAD_REQUEST = BAD_REQUEST "bad_request";
        /// The body is not valid JSON (or not the declared JSON shape).
        MALFORMED_JSON = BAD_REQUEST "malformed_json";
        /// The body could not be read (broken stream, wrong encoding, not a form).
        BAD_BODY = BAD_REQUEST "bad_body";
        /// `X-Platform` (or the host) names no known platform.
        UNKNOWN_PLATFORM = BAD_REQUEST "unknown_platform";
        /// Credentials are missing or invalid.
        UNAUTHORIZED = UNAUTHORIZED "unauthorized";
        /// The account is suspended: its tokens stop working at once.
        ACCOUNT_SUSPENDED = UNAUTHORIZED "account_suspended";
        /// A credential token (a link's, a webhook's, a terminal's) is missing, wrong or expired.
        INVALID_TOKEN = UNAUTHORIZED "invalid_token";
        /// A webhook's signature header is missing or does not sign the body.
        INVALID_WEBHOOK_SIGNATURE = UNAUTHORIZED "invalid_webhook_signature";
        /// Authenticated, but not allowed.
        FORBIDDEN = FORBIDDEN "forbidden";
        /// The token was issued for another platform.
        WRONG_PLATFORM = FORBIDDEN "wrong_platform";
        /// The OAuth `state` is unknown, expired or used (sign-in and account connections).
        INVALID_OAUTH_STATE = BAD_REQUEST "invalid_oauth_state";
        /// The provider refused the OAuth authorization code.
        INVALID_OAUTH_CODE = BAD_REQUEST "invalid_oauth_code";
        /// A student route of a course the caller is not enrolled in.
        NOT_ENROLLED = FORBIDDEN "not_enrolled";
        /// No such resource on this platform (or a module the platform has not enabled).
        NOT_FOUND = NOT_FOUND "not_found";
        /// The path exists, but not with this method (`Allow` lists the methods).
        METHOD_NOT_ALLOWED = METHOD_NOT_ALLOWED "method_not_allowed";
        /// A record with the same unique value already exists.
        CONFLICT = CONFLICT "conflict";
        /// The request refers to a record that does not exist or is still referenced.
        INVALID_REFERENCE = CONFLICT "invalid_reference";
        /// The body is over the route's limit.
        PAYLOAD_TOO_LARGE = PAYLOAD_TOO_LARGE "payload_too_large";
        /// The body is not of a media type the route accepts.
        UNSUPPORTED_MEDIA_TYPE = UNSUPPORTED_MEDIA_TYPE "unsupported_media_type";
        /// Well-formed input with invalid fields; `errors` names each one.
        VALIDATION_FAILED = UNPROCESSABLE_ENTITY "validation_failed";
        /// Too many requests; `Retry-After` says when to retry.
        TOO_MANY_REQUESTS = TOO_MANY_REQUESTS "too_many_requests";
        /// Anything unexpected; the body is opaque and the cause is logged with the request id.
        INTERNAL_ERROR = INTERNAL_SERVER_ERROR "internal_error";
        /// An outside provider answered with an error.
        BAD_GATEWAY = BAD_GATEWAY "bad_gateway";
        /// An outside provider did not answer in time.
        GATEWAY_TIMEOUT = GATEWAY_TIMEOUT "gateway_timeout";
        /// A dependency is unavailable (a generic 503 produced outside our handlers).
        SERVICE_UNAVAILABLE = SERVICE_UNAVAILABLE "service_unavailable";
        /// PostgreSQL could not be reached within `DB_ACQUIRE_TIMEOUT_MS`; `Retry-After` is set.
        DATABASE_UNAVAILABLE = SERVICE_UNAVAILABLE "database_unavailable";
        /// A rate limit that fails closed could not be checked (Redis is down).
        RATE_LIMIT_UNAVAILABLE = SERVICE_UNAVAILABLE "rate_limit_unavailable";
        /// The provider this route needs has no credentials on this deployment.
        PROVIDER_NOT_CONFIGURED = SERVICE_UNAVAILABLE "provider_not_configured";
        /// The client cannot accept any representation the route offers.
        NOT_ACCEPTABLE = NOT_ACCEPTABLE "not_acceptable";
        /// The resource existed and is gone for good.
        GONE = GONE "gone";
        /// The request needs a `Content-Length`.
        LENGTH_REQUIRED = LENGTH_REQUIRED "length_required";
        /// A precondition header (`If-Match`…) does not hold.
        PRECONDITION_FAILED = PRECONDITION_FAILED "precondition_failed";
        /// The request took too long to arrive.
        REQUEST_TIMEOUT = REQUEST_TIMEOUT "request_timeout";
        /// The URI is longer than the server accepts.
        URI_TOO_LONG = URI_TOO_LONG "uri_too_long";
        /// A header or all headers together are larger than the server accepts.
        REQUEST_HEADER_FIELDS_TOO_LARGE = REQUEST_HEADER_FIELDS_TOO_LARGE "request_header_fields_too_large";
        /// The server does not support what the request asks for.
        NOT_IMPLEMENTED = NOT_IMPLEMENTED "not_implemented";
    }
}

/// An error the API answers with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// An answer named by a registered code: the status is the code's.
    #[error("{detail}")]
    Coded {
        /// The registered code (a static of some crate's `codes` module).
        code: &'static ErrorCode,
        /// Human explanation of this occurrence.
        detail: String,
        /// The field the problem is about, when known (listed in `errors`).
        field: Option<String>,
    },
    /// 405: the path exists but not with this method.
    #[error("method not allowed; allowed: {}", allow.join(", "))]
    MethodNotAllowed {
        /// Methods the path answers.
        allow: Vec<String>,
    },
    /// 413: the body is over the limit.
    #[error("request body is larger than {limit} bytes")]
    PayloadTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// 422: the input is well-formed but invalid; names each field.
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// 429 (or the code's status): too many requests; retry after the given seconds.
    #[error("{detail}")]
    TooManyRequests {
        /// The registered code (`too_many_requests`, or a domain's own quota code).
        code: &'static ErrorCode,
        /// Human explanation.
        detail: String,
        /// Seconds until a retry may succeed (`Retry-After`).
        retry_after_secs: u64,
    },
    /// 503 `database_unavailable` with `Retry-After`: PostgreSQL could not be reached within
    /// the pool's acquire timeout (`DB_ACQUIRE_TIMEOUT_MS`) or the connection broke. The cause
    /// is logged, never answered.
    #[error("the database is unavailable")]
    DatabaseUnavailable,
    /// 500: anything unexpected. The body is opaque; the chain is logged.
    #[error("unexpected error")]
    Unexpected(#[from] anyhow::Error),
}

/// Shorthand for results of handlers and services.
pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// An answer with a registered code (its status) and a detail.
    pub fn new(code: &'static ErrorCode, detail: impl Into<String>) -> Self {
        Self::Coded {
            code,
            detail: detail.into(),
            field: None,
        }
    }
    /// The same answer, naming the field it is about.
    #[must_use]
    pub fn on_field(self, name: &str) -> Self {
        match self {
            Self::Coded { code, detail, .. } => Self::Coded {
                code,
                detail,
                field: Some(name.to_owned()),
            },
            other => other,
        }
    }
    /// 401 `unauthorized`.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(&codes::UNAUTHORIZED, detail)
    }
    /// 403 `forbidden`.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(&codes::FORBIDDEN, detail)
    }
    /// 404 `not_found`.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(&codes::NOT_FOUND, detail)
    }
    /// 415 `unsupported_media_type`.
    pub fn unsupported_media_type(detail: impl Into<String>) -> Self {
        Self::new(&codes::UNSUPPORTED_MEDIA_TYPE, detail)
    }
    /// 429 `too_many_requests` with `Retry-After`.
    pub fn too_many_requests(retry_after_secs: u64) -> Self {
        Self::TooManyRequests {
            code: &codes::TOO_MANY_REQUESTS,
            detail: "too many requests".into(),
            retry_after_secs,
        }
    }
    /// 422 naming one field.
    pub fn invalid_field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, message)])
    }
    /// 503 `provider_not_configured` for a provider without credentials.
    pub fn provider_not_configured(provider: &str) -> Self {
        Self::new(
            &codes::PROVIDER_NOT_CONFIGURED,
            format!("{provider} is not configured on this deployment"),
        )
    }

    /// Maps a unique-key violation to the given code naming `field`; any other database error
    /// keeps its usual answer. Use right where the insert happens.
    pub fn on_unique(err: DbErr, code: &'static ErrorCode, field: &str, detail: &str) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => Self::new(code, detail).on_field(field),
            _ => Self::from(err),
        }
    }

    /// The registered code of this error.
    pub fn error_code(&self) -> &'static ErrorCode {
        match self {
            Self::Coded { code, .. } | Self::TooManyRequests { code, .. } => code,
            Self::DatabaseUnavailable => &codes::DATABASE_UNAVAILABLE,
            Self::MethodNotAllowed { .. } => &codes::METHOD_NOT_ALLOWED,
            Self::PayloadTooLarge { .. } => &codes::PAYLOAD_TOO_LARGE,
            Self::Validation(_) => &codes::VALIDATION_FAILED,
            Self::Unexpected(_) => &codes::INTERNAL_ERROR,
        }
    }

    /// The stable wire code of this error.
    pub fn code(&self) -> &'static str {
        self.error_code().code
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
            Self::Coded {
                detail,
                field: Some(field),
                ..
            } => format!("{detail} (field: {field})"),
            other => other.to_string(),
        };
        let errors = match self {
            Self::Validation(errors) => Some(errors.clone()),
            Self::Coded {
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
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            matches!(
                e.as_ref(),
                SqlxError::Io(_)
                    | SqlxError::Tls(_)
                    | SqlxError::Protocol(_)
                    | SqlxError::PoolTimedOut
                    | SqlxError::PoolClosed
                    | SqlxError::WorkerCrashed
            ) || e
                .as_database_error()
                .and_then(|d| d.code())
                .is_some_and(|code| connection_lost(&code))
        }
        _ => false,
    }
}

/// SQLSTATEs that end the connection rather than refuse the statement: class 08 (connection
/// exception) and 57P01-57P03 (the server shutting down, crashed, or not accepting yet; an
/// administrator's `pg_terminate_backend` is 57P01).
fn connection_lost(code: &str) -> bool {
    code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03")
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
            Some(SqlErr::UniqueConstraintViolation(_)) => Self::new(
                &codes::CONFLICT,
                "a record with the same unique value already exists",
            ),
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => Self::new(
                &codes::INVALID_REFERENCE,
                "the request refers to a record that does not exist or is still referenced",
            ),
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
        self.error_code().status
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
            Self::TooManyRequests {
                retry_after_secs, ..
            } => {
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

/// A problem answer for a bare status (errors produced outside our handlers: actix's own
/// 400/404/413, a middleware's status). A status without a registered code answers as its
/// class's generic code: 400 `bad_request` or 500 `internal_error`.
pub fn problem_for_status(status: StatusCode, detail: Option<String>) -> AppError {
    let detail =
        detail.unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_lowercase());
    match status.as_u16() {
        405 => AppError::MethodNotAllowed { allow: Vec::new() },
        413 => AppError::PayloadTooLarge {
            limit: crate::BODY_LIMIT_BYTES,
        },
        422 => AppError::invalid_field("request", detail),
        429 => AppError::too_many_requests(1),
        500 => AppError::Unexpected(anyhow::anyhow!("{status}: {detail}")),
        _ => match codes::ALL
            .iter()
            .find(|code| code.status == status && code.code == reason_code(status))
        {
            Some(code) => AppError::new(code, detail),
            None if status.is_client_error() => AppError::new(&codes::BAD_REQUEST, detail),
            None => AppError::Unexpected(anyhow::anyhow!("{status}: {detail}")),
        },
    }
}

/// The generic code of a status (its reason phrase in snake_case).
fn reason_code(status: StatusCode) -> String {
    status
        .canonical_reason()
        .unwrap_or_default()
        .to_lowercase()
        .replace([' ', '-', '\''], "_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lost_connection_is_told_from_a_refused_statement() {
        for code in ["57P01", "57P02", "57P03", "08006", "08003"] {
            assert!(connection_lost(code), "{code}");
        }
        for code in ["23505", "40001", "57014", "22021", "42P01"] {
            assert!(!connection_lost(code), "{code}");
        }
    }

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
    fn bare_statuses_answer_registered_codes() {
        for (status, code, answered) in [
            (400, "bad_request", 400),
            (404, "not_found", 404),
            (408, "request_timeout", 408),
            (414, "uri_too_long", 414),
            (415, "unsupported_media_type", 415),
            (431, "request_header_fields_too_large", 431),
            (502, "bad_gateway", 502),
            (503, "service_unavailable", 503),
            (418, "bad_request", 400),
            (599, "internal_error", 500),
        ] {
            let p = problem_for_status(StatusCode::from_u16(status).unwrap(), None).problem();
            assert_eq!(
                (p.code.as_str(), p.status),
                (code, answered),
                "status {status}"
            );
        }
    }

    #[test]
    fn conflict_with_a_field_lists_it() {
        crate::error_codes! {
            /// Taken.
            EMAIL_TAKEN = CONFLICT "email_taken";
        }
        assert_eq!(ALL, [&EMAIL_TAKEN]);
        let p = AppError::new(&EMAIL_TAKEN, "email already registered")
            .on_field("email")
            .problem();
        assert_eq!(p.status, 409);
        assert_eq!(p.code, "email_taken");
        assert_eq!(p.errors.unwrap()[0].field, "email");
    }
}

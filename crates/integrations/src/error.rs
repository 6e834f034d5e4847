//! The crate's error codes and its one error enum (the LLM gateway's and the sync's answers).

use kernel::{
    AppError,
    error::{ErrorCode, codes as kernel_codes},
};

/// The integrations' error codes (LLM gateway, credential proxy, Google Drive, profile,
/// sync, payments, Judge0).
pub mod codes {
    kernel::error_codes! {
        /// An LLM provider refused the request (a 4xx other than 429) or every configured provider failed (timeouts, 429, 5xx).
        AI_PROVIDER_ERROR = BAD_GATEWAY "ai_provider_error";
        /// The providers' answers did not satisfy the requested JSON schema (each retried once, then the next provider).
        AI_INVALID_OUTPUT = BAD_GATEWAY "ai_invalid_output";
        /// The platform's monthly LLM budget (`AI_MONTHLY_BUDGET_PAISE`) is spent; `Retry-After` points at the next month.
        AI_BUDGET_EXHAUSTED = TOO_MANY_REQUESTS "ai_budget_exhausted";
        /// The caller has not connected Google Drive on this platform (or Google revoked the connection).
        DRIVE_NOT_CONNECTED = CONFLICT "drive_not_connected";
        /// The Drive file is larger than `GOOGLE_DRIVE_IMPORT_MAX_BYTES`.
        DRIVE_FILE_TOO_LARGE = PAYLOAD_TOO_LARGE "drive_file_too_large";
        /// The Drive file cannot be imported (a folder, a form, or a media type storage does not accept).
        DRIVE_FILE_NOT_IMPORTABLE = UNPROCESSABLE_ENTITY "drive_file_not_importable";
        /// The credential proxy refuses this path for this provider (not on its allow-list, or not a plain relative path).
        PROXY_PATH_FORBIDDEN = UNPROCESSABLE_ENTITY "proxy_path_forbidden";
        /// The credential proxy refuses this HTTP method for this path.
        PROXY_METHOD_FORBIDDEN = UNPROCESSABLE_ENTITY "proxy_method_forbidden";
        /// The credential proxy's request body is over its limit.
        PROXY_BODY_TOO_LARGE = PAYLOAD_TOO_LARGE "proxy_body_too_large";
        /// No user with this id on this platform (or not one the caller may see).
        PROFILE_NOT_FOUND = NOT_FOUND "profile_not_found";
        /// No Graphy or EzExam sync config with this id on this platform.
        SYNC_CONFIG_NOT_FOUND = NOT_FOUND "sync_config_not_found";
        /// A sync config with this name exists on the platform.
        SYNC_CONFIG_EXISTS = CONFLICT "sync_config_exists";
        /// Graphy or EzExam answered with an error, an unreadable body, or not at all.
        EXTERNAL_API_ERROR = BAD_GATEWAY "external_api_error";
        /// A `refund.processed` webhook for an order whose capture has not arrived yet (Razorpay does not promise their order): nothing is recorded, so Razorpay delivers it again and it applies after the capture.
        REFUND_BEFORE_CAPTURE = CONFLICT "refund_before_capture";
        /// The checkout signature does not match the order and payment.
        INVALID_SIGNATURE = BAD_REQUEST "invalid_signature";
        /// Judge0 could not be reached, answered 5xx or 429, or refused the deployment's token.
        JUDGE0_UNAVAILABLE = SERVICE_UNAVAILABLE "judge0_unavailable";
        /// Judge0 gave no result within `JUDGE0_TIMEOUT_SECONDS`.
        JUDGE0_TIMEOUT = GATEWAY_TIMEOUT "judge0_timeout";
        /// Judge0 refused the submission (a 4xx other than 401, 403 and 429) or answered a body that cannot be read.
        JUDGE0_ERROR = BAD_GATEWAY "judge0_error";
    }
}

/// What can go wrong in the integrations' own routes. Each variant answers one code.
#[derive(Debug, thiserror::Error)]
pub enum IntegrationsError {
    /// 404 `not_found` (an unknown agent or credential name).
    #[error("no such {0}")]
    NotFound(&'static str),
    /// 422 naming a field.
    #[error("{0}: {1}")]
    Invalid(String, String),
    /// 502 `ai_provider_error`, saying which provider refused and why (never a key).
    #[error("{0}")]
    Provider(String),
    /// 502 `ai_invalid_output`.
    #[error("{0}")]
    InvalidOutput(String),
    /// 429 `ai_budget_exhausted` with `Retry-After` (seconds to the next month).
    #[error("this platform's monthly AI budget is spent")]
    BudgetExhausted {
        /// Seconds until the month changes.
        retry_after_secs: u64,
    },
    /// 503 `provider_not_configured`: no provider of the agent has a credential.
    #[error("{0}")]
    NotConfigured(String),
    /// 409 `drive_not_connected`.
    #[error("Google Drive is not connected")]
    DriveNotConnected,
    /// 413 `drive_file_too_large`.
    #[error("the file is larger than {limit} bytes")]
    DriveFileTooLarge {
        /// `GOOGLE_DRIVE_IMPORT_MAX_BYTES`.
        limit: u64,
    },
    /// 422 `drive_file_not_importable`, saying why.
    #[error("{0}")]
    DriveFileNotImportable(String),
    /// 422 `proxy_path_forbidden` naming `path`.
    #[error("{0}")]
    ProxyPathForbidden(String),
    /// 422 `proxy_method_forbidden` naming `method`.
    #[error("{0}")]
    ProxyMethodForbidden(String),
    /// 413 `proxy_body_too_large` naming `body`.
    #[error("the body is over {limit} bytes")]
    ProxyBodyTooLarge {
        /// The limit.
        limit: usize,
    },
    /// 404 `profile_not_found`.
    #[error("no such user on this platform")]
    ProfileNotFound,
    /// 404 `sync_config_not_found`.
    #[error("no such sync config")]
    SyncConfigNotFound,
    /// 409 `sync_config_exists` (on `name`).
    #[error("a sync config with this name exists")]
    SyncConfigExists,
    /// 502 `external_api_error`: Graphy or EzExam failed (the message never holds the key).
    #[error("{0}")]
    ExternalApi(String),
    /// 400 `invalid_signature`: a checkout's signature is not Razorpay's for its order and
    /// payment.
    #[error("the checkout signature does not match this order and payment")]
    InvalidCheckoutSignature,
    /// The database failed.
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
    /// An error already in the API's terms (page limits, cursors).
    #[error(transparent)]
    App(#[from] AppError),
    /// Anything unexpected (sealing, serialisation); the chain goes to the log.
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl IntegrationsError {
    /// The registered code this error answers; the fallbacks answer their own.
    pub fn code(&self) -> Option<&'static ErrorCode> {
        Some(match self {
            Self::NotFound(_) => &kernel_codes::NOT_FOUND,
            Self::Provider(_) => &codes::AI_PROVIDER_ERROR,
            Self::InvalidOutput(_) => &codes::AI_INVALID_OUTPUT,
            Self::BudgetExhausted { .. } => &codes::AI_BUDGET_EXHAUSTED,
            Self::NotConfigured(_) => &kernel_codes::PROVIDER_NOT_CONFIGURED,
            Self::DriveNotConnected => &codes::DRIVE_NOT_CONNECTED,
            Self::DriveFileTooLarge { .. } => &codes::DRIVE_FILE_TOO_LARGE,
            Self::DriveFileNotImportable(_) => &codes::DRIVE_FILE_NOT_IMPORTABLE,
            Self::ProxyPathForbidden(_) => &codes::PROXY_PATH_FORBIDDEN,
            Self::ProxyMethodForbidden(_) => &codes::PROXY_METHOD_FORBIDDEN,
            Self::ProxyBodyTooLarge { .. } => &codes::PROXY_BODY_TOO_LARGE,
            Self::ProfileNotFound => &codes::PROFILE_NOT_FOUND,
            Self::SyncConfigNotFound => &codes::SYNC_CONFIG_NOT_FOUND,
            Self::SyncConfigExists => &codes::SYNC_CONFIG_EXISTS,
            Self::ExternalApi(_) => &codes::EXTERNAL_API_ERROR,
            Self::InvalidCheckoutSignature => &codes::INVALID_SIGNATURE,
            Self::Invalid(..) | Self::Db(_) | Self::App(_) | Self::Unexpected(_) => return None,
        })
    }
}

impl From<IntegrationsError> for AppError {
    fn from(err: IntegrationsError) -> Self {
        match err {
            IntegrationsError::BudgetExhausted { retry_after_secs } => AppError::TooManyRequests {
                code: &codes::AI_BUDGET_EXHAUSTED,
                detail: err.to_string(),
                retry_after_secs,
            },
            IntegrationsError::Invalid(field, message) => AppError::invalid_field(field, message),
            IntegrationsError::ProxyPathForbidden(ref m) => {
                AppError::new(&codes::PROXY_PATH_FORBIDDEN, m.clone()).on_field("path")
            }
            IntegrationsError::ProxyMethodForbidden(ref m) => {
                AppError::new(&codes::PROXY_METHOD_FORBIDDEN, m.clone()).on_field("method")
            }
            IntegrationsError::ProxyBodyTooLarge { .. } => {
                AppError::new(&codes::PROXY_BODY_TOO_LARGE, err.to_string()).on_field("body")
            }
            IntegrationsError::SyncConfigExists => {
                AppError::new(&codes::SYNC_CONFIG_EXISTS, err.to_string()).on_field("name")
            }
            IntegrationsError::Db(e) => e.into(),
            IntegrationsError::App(e) => e,
            IntegrationsError::Unexpected(e) => AppError::Unexpected(e),
            other => match other.code() {
                Some(code) => AppError::new(code, other.to_string()),
                None => AppError::Unexpected(anyhow::anyhow!("{other}")),
            },
        }
    }
}

impl From<crate::provider::ProviderError> for IntegrationsError {
    fn from(err: crate::provider::ProviderError) -> Self {
        Self::App(err.into())
    }
}

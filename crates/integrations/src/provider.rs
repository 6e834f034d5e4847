//! Errors of outside providers (WhatsApp, Exotel), and how they map to retries and answers.

use jobs::JobError;
use kernel::AppError;

/// Most characters of a provider's answer kept in an error message.
const MAX_DETAIL: usize = 300;

/// A failed provider call.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// No credentials on this deployment.
    #[error("{0} is not configured")]
    NotConfigured(&'static str),
    /// The request did not complete (connect, timeout, reset).
    #[error("{provider} request failed: {message}")]
    Transport {
        /// Provider name.
        provider: &'static str,
        /// What went wrong (no URL, no credentials).
        message: String,
    },
    /// The provider answered with an error status.
    #[error("{provider} answered {status}: {message}")]
    Status {
        /// Provider name.
        provider: &'static str,
        /// HTTP status.
        status: u16,
        /// The provider's error message.
        message: String,
    },
    /// The provider answered 2xx with a body we cannot read.
    #[error("{provider} answered an unexpected body: {message}")]
    Body {
        /// Provider name.
        provider: &'static str,
        /// What is missing.
        message: String,
    },
}

/// Reads a provider's answer: the JSON body on success; on an error status, the provider's
/// own message at `message_pointer` (a JSON pointer, e.g. `/error/message`), else the body
/// clipped.
pub async fn read_json(
    provider: &'static str,
    res: reqwest::Response,
    message_pointer: &str,
) -> Result<serde_json::Value, ProviderError> {
    let status = res.status();
    let text = res
        .text()
        .await
        .map_err(|e| ProviderError::transport(provider, e))?;
    let body: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    if !status.is_success() {
        let message = body
            .pointer(message_pointer)
            .and_then(|m| m.as_str())
            .map_or_else(|| clip(&text), str::to_owned);
        return Err(ProviderError::Status {
            provider,
            status: status.as_u16(),
            message,
        });
    }
    Ok(body)
}

impl ProviderError {
    /// A transport error, without the URL (which may carry a token in a query).
    pub fn transport(provider: &'static str, err: reqwest::Error) -> Self {
        let kind = if err.is_timeout() {
            "timed out"
        } else if err.is_connect() {
            "could not connect"
        } else {
            "failed"
        };
        Self::Transport {
            provider,
            message: format!("{kind}: {}", err.without_url()),
        }
    }

    /// Whether trying again later may succeed: network trouble, throttling, provider 5xx, and
    /// rejected credentials (rotated tokens are fixed by an operator, then the retry works).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::NotConfigured(_) | Self::Body { .. } => false,
            Self::Transport { .. } => true,
            Self::Status { status, .. } => matches!(status, 401 | 408 | 425 | 429 | 500..=599),
        }
    }

    /// The job outcome: retried with backoff, or dead-lettered at once.
    pub fn into_job_error(self) -> JobError {
        if self.is_retryable() {
            JobError::Retry(anyhow::Error::new(self))
        } else {
            JobError::Permanent(anyhow::Error::new(self))
        }
    }

    /// The HTTP answer: 503 `provider_not_configured`, else 502 `bad_gateway` naming the
    /// provider's complaint (never our credentials).
    pub fn into_app_error(self) -> AppError {
        match self {
            Self::NotConfigured(provider) => AppError::provider_not_configured(provider),
            other => AppError::new(&kernel::error::codes::BAD_GATEWAY, other.to_string()),
        }
    }
}

impl From<ProviderError> for AppError {
    fn from(err: ProviderError) -> Self {
        err.into_app_error()
    }
}

/// Shortens a provider's answer for messages and logs.
pub fn clip(text: &str) -> String {
    let text = text.trim();
    match text.char_indices().nth(MAX_DETAIL) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_and_outages_retry_bad_requests_do_not() {
        let status = |status| ProviderError::Status {
            provider: "WhatsApp",
            status,
            message: String::new(),
        };
        assert!(status(429).is_retryable());
        assert!(status(503).is_retryable());
        assert!(status(401).is_retryable());
        assert!(!status(400).is_retryable());
        assert!(!ProviderError::NotConfigured("Exotel").is_retryable());
        assert_eq!(
            ProviderError::NotConfigured("Exotel")
                .into_app_error()
                .code(),
            "provider_not_configured"
        );
        assert_eq!(status(400).into_app_error().code(), "bad_gateway");
        assert_eq!(clip(&"x".repeat(400)).chars().count(), MAX_DETAIL + 1);
    }
}

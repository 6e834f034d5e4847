//! The LLM providers behind one interface ([`LlmClient::complete`]): a prompt in, the text of
//! the answer and the tokens counted by the provider out. OpenAI and Groq speak chat
//! completions (Groq is OpenAI-compatible), Anthropic its messages API, Gemini
//! `generateContent`; each at its configured base URL. Structured output: the JSON schema
//! goes to the provider in its own way (OpenAI/Groq `response_format`, Gemini JSON mode,
//! Anthropic an instruction) and the answer is checked by [`schema::validate`] either way.
//!
//! Keys travel only in headers (never in a URL) and every error message is scrubbed of the
//! key before it leaves this module.

pub mod agents;
mod anthropic;
mod gemini;
mod openai;
pub mod schema;

use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use crate::{config::LlmConfig, entities::kinds::ProviderName, provider::clip};

/// What to ask.
#[derive(Debug, Clone)]
pub struct Prompt<'a> {
    /// Model name.
    pub model: &'a str,
    /// The rendered prompt.
    pub text: String,
    /// Sampling temperature.
    pub temperature: f64,
    /// Most output tokens.
    pub max_tokens: u32,
    /// The JSON schema the answer must satisfy, if any.
    pub schema: Option<&'a Value>,
}

/// A provider's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The text (JSON text when a schema was asked).
    pub text: String,
    /// Input tokens the provider counted.
    pub tokens_in: i64,
    /// Output tokens the provider counted.
    pub tokens_out: i64,
}

/// Why a call failed, as far as falling back is concerned.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CallError {
    /// No answer in time, or no connection.
    #[error("{provider} did not answer in time or could not be reached")]
    Timeout {
        /// Provider.
        provider: &'static str,
    },
    /// 429.
    #[error("{provider} is rate limiting: {message}")]
    RateLimited {
        /// Provider.
        provider: &'static str,
        /// Its message.
        message: String,
    },
    /// 5xx, or a 2xx body we cannot read.
    #[error("{provider} failed ({status}): {message}")]
    Server {
        /// Provider.
        provider: &'static str,
        /// HTTP status (200 for an unreadable body).
        status: u16,
        /// Its message.
        message: String,
    },
    /// Another 4xx: the request or the key is wrong; other providers would not help.
    #[error("{provider} refused the request ({status}): {message}")]
    Client {
        /// Provider.
        provider: &'static str,
        /// HTTP status.
        status: u16,
        /// Its message.
        message: String,
    },
}

impl CallError {
    /// Whether the next attempt (same provider after a backoff, or the next provider) may
    /// succeed: timeouts, 429 and 5xx.
    pub fn falls_back(&self) -> bool {
        !matches!(self, Self::Client { .. })
    }

    fn scrub(self, key: &str) -> Self {
        let clean = |m: String| {
            if key.len() >= 4 {
                m.replace(key, "[redacted]")
            } else {
                m
            }
        };
        match self {
            Self::RateLimited { provider, message } => Self::RateLimited {
                provider,
                message: clean(message),
            },
            Self::Server {
                provider,
                status,
                message,
            } => Self::Server {
                provider,
                status,
                message: clean(message),
            },
            Self::Client {
                provider,
                status,
                message,
            } => Self::Client {
                provider,
                status,
                message: clean(message),
            },
            other => other,
        }
    }
}

/// The HTTP client of every provider.
#[derive(Debug, Clone)]
pub struct LlmClient {
    http: reqwest::Client,
    config: LlmConfig,
}

impl LlmClient {
    /// A client with the configured base URLs and timeout.
    pub fn new(config: LlmConfig) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(std::time::Duration::from_secs(5)))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("mas-gateway/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { http, config })
    }

    /// The HTTP client (the credential proxy sends through it too).
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The configured base URL of `provider`.
    pub fn base(&self, provider: ProviderName) -> &str {
        let c = &self.config;
        match provider {
            ProviderName::Openai => &c.openai_base,
            ProviderName::Groq => &c.groq_base,
            ProviderName::Anthropic => &c.anthropic_base,
            ProviderName::Gemini => &c.gemini_base,
        }
    }

    /// The configuration (retries and backoff are applied by the caller).
    pub fn config(&self) -> &LlmConfig {
        &self.config
    }

    /// Asks `provider` with `key`.
    pub async fn complete(
        &self,
        provider: ProviderName,
        key: &SecretString,
        prompt: &Prompt<'_>,
    ) -> Result<Answer, CallError> {
        let c = &self.config;
        let result = match provider {
            ProviderName::Openai => {
                openai::complete(&self.http, "OpenAI", &c.openai_base, key, prompt).await
            }
            ProviderName::Groq => {
                openai::complete(&self.http, "Groq", &c.groq_base, key, prompt).await
            }
            ProviderName::Anthropic => {
                anthropic::complete(&self.http, &c.anthropic_base, key, prompt).await
            }
            ProviderName::Gemini => gemini::complete(&self.http, &c.gemini_base, key, prompt).await,
        };
        result.map_err(|e| e.scrub(key.expose_secret()))
    }
}

/// Sends a request and reads the JSON answer, classifying failures.
pub(crate) async fn send(
    provider: &'static str,
    request: reqwest::RequestBuilder,
    message_pointer: &str,
) -> Result<Value, CallError> {
    let res = request
        .send()
        .await
        .map_err(|_| CallError::Timeout { provider })?;
    let status = res.status().as_u16();
    let text = res
        .text()
        .await
        .map_err(|_| CallError::Timeout { provider })?;
    let body: Value = serde_json::from_str(&text).unwrap_or_default();
    if (200..300).contains(&status) {
        return Ok(body);
    }
    let message = body
        .pointer(message_pointer)
        .and_then(Value::as_str)
        .map_or_else(|| clip(&text), clip);
    Err(match status {
        429 => CallError::RateLimited { provider, message },
        500..=599 => CallError::Server {
            provider,
            status,
            message,
        },
        _ => CallError::Client {
            provider,
            status,
            message,
        },
    })
}

/// An answer body without the expected fields.
pub(crate) fn unreadable(provider: &'static str, what: &str) -> CallError {
    CallError::Server {
        provider,
        status: 200,
        message: format!("the answer has no {what}"),
    }
}

/// The instruction added to the prompt when a schema is asked (providers without a native
/// schema mode rely on it; the others get it too, it costs little).
pub(crate) fn schema_instruction(schema: &Value) -> String {
    format!(
        "\n\nAnswer with one JSON value only, no prose and no code fence, satisfying this JSON schema:\n{schema}"
    )
}

/// Reads a token count.
pub(crate) fn count(body: &Value, pointer: &str) -> i64 {
    body.pointer(pointer)
        .and_then(Value::as_i64)
        .unwrap_or(0)
        .max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_timeouts_429_and_5xx_fall_back_and_messages_lose_the_key() {
        let client = CallError::Client {
            provider: "OpenAI",
            status: 401,
            message: "Incorrect API key provided: sk-secret-123".into(),
        };
        assert!(!client.falls_back());
        let scrubbed = client.scrub("sk-secret-123").to_string();
        assert!(!scrubbed.contains("sk-secret-123"), "{scrubbed}");
        assert!(scrubbed.contains("[redacted]"));
        assert!(CallError::Timeout { provider: "Groq" }.falls_back());
        let limited = CallError::RateLimited {
            provider: "Gemini",
            message: "sk-secret-123".into(),
        };
        assert!(limited.falls_back());
        assert!(
            !limited
                .scrub("sk-secret-123")
                .to_string()
                .contains("secret")
        );
    }
}

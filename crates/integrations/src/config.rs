//! The crate's own environment section: the LLM providers' base URLs, Razorpay's keys, the timeout of one
//! provider call, and the bounded retry of a throttled or failing provider before the next
//! one is tried; the Drive, sync and Judge0 sections come from their modules. Read once at boot by [`IntegrationsConfig::from_env`]; a bad value stops boot
//! naming the variable.

use std::time::Duration;

use kernel::config::{ConfigError, Env};

/// Every setting of `integrations` read from the environment.
#[derive(Debug, Clone)]
pub struct IntegrationsConfig {
    /// The LLM gateway.
    pub llm: LlmConfig,
    /// The Google Drive connector.
    pub drive: crate::google_drive::GoogleDriveConfig,
    /// The Graphy / EzExam sync.
    pub sync: crate::sync::SyncConfig,
    /// Razorpay, the payment provider of every product ([`crate::payments`]).
    pub razorpay: crate::razorpay::RazorpayConfig,
    /// Judge0 (code execution).
    pub judge0: crate::judge0::Judge0Config,
    /// Leegality (e-signing of the CRM's agreements).
    pub leegality: crate::leegality::LeegalityConfig,
}

/// The LLM gateway's settings (`*_API_BASE`, `LLM_*`).
#[derive(Debug, Clone)]
pub struct LlmConfig {
    /// `OPENAI_API_BASE` (default `https://api.openai.com/v1`).
    pub openai_base: String,
    /// `ANTHROPIC_API_BASE` (default `https://api.anthropic.com`).
    pub anthropic_base: String,
    /// `GEMINI_API_BASE` (default `https://generativelanguage.googleapis.com`).
    pub gemini_base: String,
    /// `GROQ_API_BASE` (default `https://api.groq.com/openai/v1`).
    pub groq_base: String,
    /// `LLM_TIMEOUT_MS`: one provider call, 100-300000 (default 30000).
    pub timeout: Duration,
    /// `LLM_RETRIES`: extra attempts on the same provider after a timeout, 429 or 5xx, 0-3
    /// (default 1).
    pub retries: u32,
    /// `LLM_RETRY_BACKOFF_MS`: wait before the first retry, doubled for each next one,
    /// 0-10000 (default 250).
    pub retry_backoff: Duration,
}

impl IntegrationsConfig {
    /// Reads the crate's section (the gateway calls it with its one lookup).
    pub fn from_env(env: &Env<'_>, base: &kernel::Config) -> Result<Self, ConfigError> {
        Ok(Self {
            llm: LlmConfig::from_env(env)?,
            drive: crate::google_drive::GoogleDriveConfig::from_env(env, base)?,
            sync: crate::sync::SyncConfig::from_env(env)?,
            razorpay: crate::razorpay::RazorpayConfig::from_env(env)?,
            judge0: crate::judge0::Judge0Config::from_env(env)?,
            leegality: crate::leegality::LeegalityConfig::from_env(env)?,
        })
    }
}

impl LlmConfig {
    /// Reads the LLM section.
    pub fn from_env(env: &Env<'_>) -> Result<Self, ConfigError> {
        let base = |name: &str, default: &str| env.http_url(name, default);
        let int = |name: &str, bounds: (u64, u64), default: u64| env.int_in(name, bounds, default);
        Ok(Self {
            openai_base: base("OPENAI_API_BASE", "https://api.openai.com/v1")?,
            anthropic_base: base("ANTHROPIC_API_BASE", "https://api.anthropic.com")?,
            gemini_base: base(
                "GEMINI_API_BASE",
                "https://generativelanguage.googleapis.com",
            )?,
            groq_base: base("GROQ_API_BASE", "https://api.groq.com/openai/v1")?,
            timeout: Duration::from_millis(int("LLM_TIMEOUT_MS", (100, 300_000), 30_000)?),
            retries: u32::try_from(int("LLM_RETRIES", (0, 3), 1)?).unwrap_or(1),
            retry_backoff: Duration::from_millis(int("LLM_RETRY_BACKOFF_MS", (0, 10_000), 250)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(pairs: &[(&str, &str)]) -> Result<LlmConfig, ConfigError> {
        LlmConfig::from_env(&Env::from_pairs(pairs))
    }

    #[test]
    fn defaults_are_the_real_providers() {
        let c = cfg(&[]).unwrap();
        assert_eq!(c.openai_base, "https://api.openai.com/v1");
        assert_eq!(c.groq_base, "https://api.groq.com/openai/v1");
        assert_eq!(c.timeout, Duration::from_secs(30));
        assert_eq!(c.retries, 1);
        let c = cfg(&[("OPENAI_API_BASE", "http://127.0.0.1:9/")]).unwrap();
        assert_eq!(c.openai_base, "http://127.0.0.1:9");
    }

    #[test]
    fn bad_values_name_the_variable() {
        let err = cfg(&[("LLM_RETRIES", "9")]).unwrap_err().to_string();
        assert!(err.starts_with("LLM_RETRIES:"), "{err}");
        let err = cfg(&[("GEMINI_API_BASE", "ftp://x")])
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("GEMINI_API_BASE:"), "{err}");
    }
}

//! Tokens' own settings: the Razorpay keys of token purchases. Read at boot by
//! [`TokensConfig::from_env`]; the Razorpay section itself lives with its client
//! ([`integrations::razorpay::RazorpayConfig`]).

use integrations::razorpay::RazorpayConfig;
use kernel::config::{ConfigError, Env};

/// Tokens' configuration section.
#[derive(Debug, Clone)]
pub struct TokensConfig {
    /// Razorpay payments (token purchases); without keys purchases answer 503.
    pub razorpay: RazorpayConfig,
}

impl TokensConfig {
    /// Reads the section (`base` is unused today: no derived secrets, no URLs).
    pub fn from_env(env: &Env<'_>, _base: &kernel::Config) -> Result<Self, ConfigError> {
        Ok(Self {
            razorpay: RazorpayConfig::from_env(env)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(pairs: &[(&str, &str)]) -> Result<TokensConfig, ConfigError> {
        let env = Env::from_pairs(pairs);
        let base = kernel::Config::read(&env)?;
        TokensConfig::from_env(&env, &base)
    }

    #[test]
    fn defaults_match_the_contract() {
        let c = cfg(&[]).unwrap();
        assert_eq!(c.razorpay.api_base, "https://api.razorpay.com");
        assert!(!c.razorpay.configured());
        let c = cfg(&[
            ("RAZORPAY_API_BASE", "http://127.0.0.1:9/"),
            ("RAZORPAY_KEY_ID", "rzp_test_1"),
            ("RAZORPAY_KEY_SECRET", "rzp-secret-1"),
        ])
        .unwrap();
        assert_eq!(c.razorpay.api_base, "http://127.0.0.1:9");
        assert!(c.razorpay.configured());
    }

    #[test]
    fn bad_values_name_the_variable() {
        let dir = std::env::temp_dir().join(format!("tokens-config-{}", uuid::Uuid::now_v7()));
        let missing = dir.join("razorpay-secret");
        let err = cfg(&[("RAZORPAY_KEY_SECRET_FILE", missing.to_str().unwrap_or("x"))])
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("RAZORPAY_KEY_SECRET_FILE:"), "{err}");
    }

    #[test]
    fn secrets_never_print() {
        let c = cfg(&[
            ("RAZORPAY_KEY_ID", "rzp_test_1"),
            ("RAZORPAY_KEY_SECRET", "rzp-secret-1"),
            ("RAZORPAY_WEBHOOK_SECRET", "rzp-hook-2"),
        ])
        .unwrap();
        let printed = format!("{c:?}");
        assert!(printed.contains("rzp_test_1"), "{printed}");
        assert!(!printed.contains("rzp-secret-1"), "{printed}");
        assert!(!printed.contains("rzp-hook-2"), "{printed}");
    }
}

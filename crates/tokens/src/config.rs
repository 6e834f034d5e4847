//! Tokens' own settings: none today. Razorpay's keys are the shared payments' section
//! (`integrations::razorpay::RazorpayConfig`, read into `integrations::IntegrationsConfig`),
//! since every product that sells something uses the one client.

use kernel::config::{ConfigError, Env};

/// Tokens' configuration section (empty; kept so the crate has the usual shape).
#[derive(Debug, Clone, Default)]
pub struct TokensConfig {}

impl TokensConfig {
    /// Reads the section (nothing to read today).
    pub fn from_env(_env: &Env<'_>, _base: &kernel::Config) -> Result<Self, ConfigError> {
        Ok(Self {})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_section_reads_from_any_environment() {
        let env = Env::from_pairs(&[("RAZORPAY_KEY_ID", "rzp_test_1")]);
        let base = kernel::Config::read(&env).unwrap();
        assert!(TokensConfig::from_env(&env, &base).is_ok());
    }
}

//! The CRM's own settings, read at boot by [`CrmConfig::from_env`] and kept in
//! [`crate::Crm`].

use kernel::config::{ConfigError, Env, RateLimit};

/// The CRM's configuration section.
#[derive(Debug, Clone)]
pub struct CrmConfig {
    /// `VENDOR_LEAD_RATE_LIMIT` (`N/SECONDS`): leads one vendor key may push per window
    /// (default 600 per 60 s); over it 429 with `Retry-After`.
    pub vendor_rate: RateLimit,
    /// `LEAD_CAPTURE_RATE_LIMIT` (`N/SECONDS`): public form submissions per client IP
    /// (default 10 per 60 s).
    pub capture_rate: RateLimit,
    /// `LEAD_AUTO_ASSIGNMENT_ENABLED`: schedule `leadAssignmentQueue` every 15 minutes to
    /// assign leads that found no free agent when they arrived (default false, as in the
    /// seed; new leads are assigned on arrival either way).
    pub auto_assignment: bool,
    /// `CRM_WEBHOOK_ALLOW_HOSTS`: hosts (comma-separated, e.g. `127.0.0.1`) a workflow's
    /// `http_webhook` step may call although they resolve to a private, loopback or
    /// link-local address (tests, an internal CRM); every other such address is refused
    /// (default none).
    pub webhook_allow_hosts: Vec<String>,
    /// `CRM_WEBHOOK_TIMEOUT_SECS`: how long a webhook call may take (default 10).
    pub webhook_timeout: std::time::Duration,
}

impl CrmConfig {
    /// Reads the section.
    pub fn from_env(env: &Env<'_>) -> Result<Self, ConfigError> {
        Ok(Self {
            vendor_rate: env.parse("VENDOR_LEAD_RATE_LIMIT", RateLimit::per(600, 60))?,
            capture_rate: env.parse("LEAD_CAPTURE_RATE_LIMIT", RateLimit::per(10, 60))?,
            auto_assignment: env.parse("LEAD_AUTO_ASSIGNMENT_ENABLED", false)?,
            webhook_allow_hosts: env
                .parse("CRM_WEBHOOK_ALLOW_HOSTS", String::new())?
                .split(',')
                .map(|h| h.trim().to_ascii_lowercase())
                .filter(|h| !h.is_empty())
                .collect(),
            webhook_timeout: std::time::Duration::from_secs(
                env.parse("CRM_WEBHOOK_TIMEOUT_SECS", 10u64)?.clamp(1, 60),
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let c = CrmConfig::from_env(&Env::from_pairs(&[])).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.vendor_rate, RateLimit::per(600, 60));
        assert_eq!(c.capture_rate, RateLimit::per(10, 60));
        assert!(!c.auto_assignment);
        let c = CrmConfig::from_env(&Env::from_pairs(&[
            ("VENDOR_LEAD_RATE_LIMIT", "5/1"),
            ("LEAD_AUTO_ASSIGNMENT_ENABLED", "true"),
        ]))
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.vendor_rate, RateLimit::per(5, 1));
        assert!(c.auto_assignment);
        assert!(c.webhook_allow_hosts.is_empty());
        let c = CrmConfig::from_env(&Env::from_pairs(&[(
            "CRM_WEBHOOK_ALLOW_HOSTS",
            " 127.0.0.1, Hooks.Internal ",
        )]))
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.webhook_allow_hosts, ["127.0.0.1", "hooks.internal"]);
        assert!(
            CrmConfig::from_env(&Env::from_pairs(&[("LEAD_CAPTURE_RATE_LIMIT", "ten")])).is_err()
        );
    }
}

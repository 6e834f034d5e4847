//! The configuration of one gateway process: kernel's process-wide settings and every
//! domain crate's own section, all read from one lookup and validated at boot (a bad value
//! stops the process with the variable's name). Each crate's state gets its section in
//! [`crate::app::Services::build`].

use kernel::config::{ConfigError, Env};

/// Every setting of the process.
#[derive(Debug, Clone)]
pub struct GatewayConfig {
    /// Process-wide: listening, database, Redis, JWT, tenancy, CORS, logs, queues, metrics.
    pub kernel: kernel::Config,
    /// Sign-in settings and Google sign-in.
    pub identity: identity::IdentityConfig,
    /// Email, WhatsApp, Exotel.
    pub comms: comms::CommsConfig,
    /// Object storage.
    pub storage: storage::StorageConfig,
    /// Tokens (nothing of its own today).
    pub tokens: tokens::TokensConfig,
    /// The meeting join window and Google Calendar.
    pub mentorship: mentorship::MentorshipConfig,
    /// The LMS: the quiz submit grace.
    pub lms: lms::LmsConfig,
    /// Mr. Hire: the resume size limit, the apply rate limit.
    pub hire: hire::HireConfig,
    /// The sales CRM: ingestion rate limits, the assignment sweep.
    pub crm: crm::CrmConfig,
    /// Finance: the default supplier (GSTIN, state, name, series).
    pub finance: finance::FinanceConfig,
    /// Socket.IO and the terminal relay.
    pub realtime: realtime::RealtimeConfig,
    /// The LLM gateway's providers, timeouts and retries; Razorpay; Drive; the sync.
    pub integrations: integrations::IntegrationsConfig,
    /// Bulk imports: the largest file, rows per transaction.
    pub imports: imports::ImportsConfig,
}

impl GatewayConfig {
    /// Reads the process environment, loading `.env` first unless `APP_ENV=production`.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::read(&Env::process())
    }

    /// Builds the configuration from any variable lookup (the environment, or a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Self::read(&Env::new(lookup))
    }

    /// Reads kernel's settings, then each crate's section with them as the base.
    pub fn read(env: &Env<'_>) -> Result<Self, ConfigError> {
        let kernel = kernel::Config::read(env)?;
        Ok(Self {
            identity: identity::IdentityConfig::from_env(env, &kernel)?,
            comms: comms::CommsConfig::from_env(env, &kernel)?,
            storage: storage::StorageConfig::from_env(env, &kernel)?,
            tokens: tokens::TokensConfig::from_env(env, &kernel)?,
            mentorship: mentorship::MentorshipConfig::from_env(env, &kernel)?,
            lms: lms::LmsConfig::from_env(env)?,
            hire: hire::HireConfig::from_env(env)?,
            crm: crm::CrmConfig::from_env(env)?,
            finance: finance::FinanceConfig::from_env(env, &kernel)?,
            realtime: realtime::RealtimeConfig::from_env(env, &kernel)?,
            integrations: integrations::IntegrationsConfig::from_env(env, &kernel)?,
            imports: imports::ImportsConfig::from_env(env, &kernel)?,
            kernel,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRONG: &str = "q7J2mXv9LkP4sR1tW8yZ3bN6cF0hD5gA2eU7iO9pK4lM1nB8vC3xZ6";

    #[test]
    fn every_section_is_read_from_one_lookup() {
        let c = GatewayConfig::read(&Env::from_pairs(&[
            ("PUBLIC_BASE_URL", "https://mas.example"),
            ("ACCESS_TOKEN_TTL_SECS", "600"),
            ("MAIL_OUTBOX_DIR", "/tmp/mail"),
            ("UPLOAD_MAX_BYTES", "1024"),
            ("RAZORPAY_KEY_ID", "rzp_test_1"),
            ("MEETING_JOIN_BUFFER_MINUTES", "15"),
            ("SOCKET_MAX_PAYLOAD_BYTES", "2048"),
            ("LLM_TIMEOUT_MS", "1500"),
        ]))
        .unwrap();
        assert_eq!(c.kernel.public_base_url, "https://mas.example");
        assert_eq!(c.identity.auth.access_token_ttl.as_secs(), 600);
        assert_eq!(
            c.identity.google.redirect_uri,
            "https://mas.example/auth/google/callback"
        );
        assert_eq!(c.comms.email.outbox_dir.to_str(), Some("/tmp/mail"));
        assert_eq!(c.storage.upload_max_bytes, 1024);
        assert_eq!(
            c.integrations.razorpay.key_id.as_deref(),
            Some("rzp_test_1")
        );
        assert_eq!(c.mentorship.meeting_join_buffer_minutes, 15);
        assert_eq!(c.integrations.llm.timeout.as_millis(), 1500);
        assert_eq!(c.realtime.max_payload, 2048);
    }

    #[test]
    fn a_bad_value_in_any_section_stops_the_boot_naming_it() {
        for (name, value) in [
            ("PORT", "eighty"),
            ("RATE_LIMIT_LOGIN_IP", "3"),
            ("EMAIL_PORT", "smtp"),
            ("UPLOAD_MAX_BYTES", "big"),
            ("SOCKET_PING_TIMEOUT_MS", "soon"),
        ] {
            let err = GatewayConfig::read(&Env::from_pairs(&[(name, value)]))
                .unwrap_err()
                .to_string();
            assert!(err.starts_with(&format!("{name}:")), "{err}");
        }
    }

    #[test]
    fn production_checks_each_sections_secrets() {
        let example = "change-me-to-at-least-32-random-characters";
        for name in [
            "JWT_SECRET",
            "METRICS_TOKEN",
            "STORAGE_SIGNING_SECRET",
            "GOOGLE_CALENDAR_TOKEN_KEY",
        ] {
            let mut pairs = vec![("APP_ENV", "production"), ("JWT_SECRET", STRONG)];
            pairs.retain(|(k, _)| *k != name);
            pairs.push((name, example));
            let res = GatewayConfig::read(&Env::from_pairs(&pairs));
            assert!(
                matches!(&res, Err(ConfigError::Invalid { name: n, .. }) if n == name),
                "{name}: {res:?}"
            );
        }
        assert!(
            GatewayConfig::read(&Env::from_pairs(&[
                ("APP_ENV", "production"),
                ("JWT_SECRET", STRONG)
            ]))
            .is_ok()
        );
    }
}

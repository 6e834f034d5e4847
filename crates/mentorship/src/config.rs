//! Mr. Mentor's own settings: the meeting join window and Google Calendar (the OAuth client,
//! where Google sends a mentor back, the key that seals stored refresh tokens). Read at boot
//! by [`MentorshipConfig::from_env`] and kept in [`crate::Mentorship`].

use std::fmt;

use integrations::google_calendar::GoogleCalendarConfig;
use kernel::config::{ConfigError, Env, check_production_secret, labels};
use secrecy::{ExposeSecret, SecretString};

use crate::service::meetings::JoinPolicy;

/// Mr. Mentor's configuration section.
#[derive(Clone)]
pub struct MentorshipConfig {
    /// `ALLOW_EARLY_MEETING_JOIN`: participants may join before the start (by the buffer).
    pub allow_early_meeting_join: bool,
    /// `MEETING_JOIN_BUFFER_MINUTES`: how early (when allowed) and how late after the end a
    /// meeting can be joined (0-240, default 10; other values fall back to the default).
    pub meeting_join_buffer_minutes: i64,
    /// The Google Calendar client's OAuth client and API base.
    pub google: GoogleCalendarConfig,
    /// `GOOGLE_CALENDAR_REDIRECT_URI`: where Google sends a mentor back after connecting a
    /// calendar (default `{PUBLIC_BASE_URL}/api/google-calendar/callback`).
    pub calendar_redirect_uri: String,
    /// `GOOGLE_CALENDAR_TOKEN_KEY`: the key that seals stored refresh tokens (default derived
    /// from `JWT_SECRET`).
    pub calendar_token_key: SecretString,
    /// `MENTOR_LIST_CACHE_MS`: how long a replica serves a page of the public mentor list
    /// from its own copy (default 2000; 0 off). Every change of a platform's mentors or slots
    /// through the API drops the platform's pages on every replica at once (ADR 0083).
    pub mentor_list_cache: std::time::Duration,
}

impl fmt::Debug for MentorshipConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MentorshipConfig")
            .field("allow_early_meeting_join", &self.allow_early_meeting_join)
            .field(
                "meeting_join_buffer_minutes",
                &self.meeting_join_buffer_minutes,
            )
            .field("google", &self.google)
            .field("calendar_redirect_uri", &self.calendar_redirect_uri)
            .field("mentor_list_cache", &self.mentor_list_cache)
            .finish_non_exhaustive()
    }
}

impl MentorshipConfig {
    /// Reads the section; `base` gives `PUBLIC_BASE_URL` (the default redirect URI), the
    /// default sealing key (derived from `JWT_SECRET`) and the environment. In production the
    /// sealing key in force must not be an example or weak value.
    pub fn from_env(env: &Env<'_>, base: &kernel::Config) -> Result<Self, ConfigError> {
        let config = Self {
            allow_early_meeting_join: env
                .get("ALLOW_EARLY_MEETING_JOIN")
                .is_some_and(|v| matches!(v.as_str(), "true" | "1" | "yes")),
            meeting_join_buffer_minutes: env
                .get("MEETING_JOIN_BUFFER_MINUTES")
                .and_then(|v| v.parse().ok())
                .filter(|m: &i64| (0..=240).contains(m))
                .unwrap_or(10),
            google: GoogleCalendarConfig::from_env(env)?,
            calendar_redirect_uri: env.get("GOOGLE_CALENDAR_REDIRECT_URI").unwrap_or_else(|| {
                format!("{}/api/google-calendar/callback", base.public_base_url)
            }),
            calendar_token_key: env
                .secret("GOOGLE_CALENDAR_TOKEN_KEY")?
                .unwrap_or_else(|| base.derived_secret(labels::GOOGLE_CALENDAR_SEAL)),
            mentor_list_cache: std::time::Duration::from_millis(
                env.parse("MENTOR_LIST_CACHE_MS", 2000)?,
            ),
        };
        if base.app_env.is_production() {
            check_production_secret(
                "GOOGLE_CALENDAR_TOKEN_KEY",
                config.calendar_token_key.expose_secret(),
            )?;
        }
        Ok(config)
    }

    /// How join windows are drawn.
    pub fn join_policy(&self) -> JoinPolicy {
        JoinPolicy::from_config(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRONG: &str = "q7J2mXv9LkP4sR1tW8yZ3bN6cF0hD5gA2eU7iO9pK4lM1nB8vC3xZ6";

    fn cfg(pairs: &[(&str, &str)]) -> Result<MentorshipConfig, ConfigError> {
        let env = Env::from_pairs(pairs);
        let base = kernel::Config::read(&env)?;
        MentorshipConfig::from_env(&env, &base)
    }

    #[test]
    fn defaults_match_the_contract() {
        let c = cfg(&[]).unwrap();
        assert!(!c.allow_early_meeting_join);
        assert_eq!(c.meeting_join_buffer_minutes, 10);
        assert_eq!(c.google.api_base, "https://www.googleapis.com/calendar/v3");
        assert!(!c.google.configured());
        assert_eq!(
            c.calendar_redirect_uri,
            "http://localhost:8000/api/google-calendar/callback"
        );
        let base = kernel::Config::read(&Env::from_pairs(&[])).unwrap();
        assert_eq!(
            c.calendar_token_key.expose_secret(),
            base.derived_secret(labels::GOOGLE_CALENDAR_SEAL)
                .expose_secret()
        );
        let c = cfg(&[
            ("ALLOW_EARLY_MEETING_JOIN", "yes"),
            ("MEETING_JOIN_BUFFER_MINUTES", "30"),
            ("PUBLIC_BASE_URL", "https://mas.example/"),
        ])
        .unwrap();
        assert!(c.allow_early_meeting_join);
        assert_eq!(c.join_policy().buffer_minutes, 30);
        assert_eq!(
            c.calendar_redirect_uri,
            "https://mas.example/api/google-calendar/callback"
        );
    }

    #[test]
    fn bad_values_fall_back_or_name_the_variable() {
        // the join buffer keeps its lenient contract: out of range or unparsable is the default
        for raw in ["-1", "241", "ten"] {
            let c = cfg(&[("MEETING_JOIN_BUFFER_MINUTES", raw)]).unwrap();
            assert_eq!(c.meeting_join_buffer_minutes, 10, "{raw}");
        }
        let dir = std::env::temp_dir().join(format!("mentorship-config-{}", uuid::Uuid::now_v7()));
        let missing = dir.join("calendar-key");
        let err = cfg(&[(
            "GOOGLE_CALENDAR_TOKEN_KEY_FILE",
            missing.to_str().unwrap_or("x"),
        )])
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("GOOGLE_CALENDAR_TOKEN_KEY_FILE:"), "{err}");
    }

    #[test]
    fn production_refuses_example_and_weak_sealing_keys() {
        let prod = |key: &str| {
            cfg(&[
                ("APP_ENV", "production"),
                ("JWT_SECRET", STRONG),
                ("GOOGLE_CALENDAR_TOKEN_KEY", key),
            ])
        };
        let repeated = "ab".repeat(32);
        let refused: [&str; 2] = ["change-me-to-at-least-32-random-characters", &repeated];
        for refused in refused {
            let res = prod(refused);
            assert!(
                matches!(&res, Err(ConfigError::Invalid { name, .. }) if name == "GOOGLE_CALENDAR_TOKEN_KEY"),
                "{refused:?} was accepted"
            );
        }
        assert!(prod("Zq3v8RkW1pLx6YtN0bHc4MfJ7sGd2QaE9uVo5KiT").is_ok());
        assert!(cfg(&[("APP_ENV", "production"), ("JWT_SECRET", STRONG)]).is_ok());
    }

    #[test]
    fn secrets_never_print() {
        let c = cfg(&[
            ("GOOGLE_CLIENT_ID", "client-1"),
            ("GOOGLE_CLIENT_SECRET", "google-secret-2"),
            ("GOOGLE_CALENDAR_TOKEN_KEY", "sealing-key-3"),
        ])
        .unwrap();
        assert!(c.google.configured());
        let printed = format!("{c:?}");
        assert!(!printed.contains("google-secret-2"), "{printed}");
        assert!(!printed.contains("sealing-key-3"), "{printed}");
    }
}

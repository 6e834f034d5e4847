//! The Graphy / EzExam sync's environment section: the outside APIs' default base URLs (a
//! config row may override its own), the page size asked for, the bounds of a run and of a
//! config's interval, and the WhatsApp nudges' per-learner throttle.

use std::time::Duration;

use kernel::config::{ConfigError, Env, invalid};

/// The sync's settings (`GRAPHY_*`, `EZEXAM_*`, `SYNC_*`, `MRLEARN_REMINDER_*`).
#[derive(Debug, Clone)]
pub struct SyncConfig {
    /// `GRAPHY_BASE_URL` (default `https://api.graphy.com`).
    pub graphy_base: String,
    /// `EZEXAM_BASE_URL` (default `https://api.ezexam.in`).
    pub ezexam_base: String,
    /// `SYNC_PAGE_SIZE`: items asked per page, 1-500 (default 100).
    pub page_size: u32,
    /// `SYNC_MAX_PAGES`: pages one listing may take in a run before it fails, 1-100000
    /// (default 10000; guards against a provider that never says "no more").
    pub max_pages: u32,
    /// `SYNC_MIN_INTERVAL_SECS`: the smallest `interval_seconds` a config may have, 1-86400
    /// (default 300).
    pub min_interval_secs: u32,
    /// `SYNC_TIMEOUT_MS`: one outside call, 100-120000 (default 15000).
    pub timeout: Duration,
    /// `MRLEARN_REMINDER_THROTTLE_HOURS`: at most one WhatsApp nudge per learner in this many
    /// hours, 1-720 (default 24).
    pub reminder_throttle_hours: u32,
}

impl SyncConfig {
    /// Reads the section.
    pub fn from_env(env: &Env<'_>) -> Result<Self, ConfigError> {
        let base = |name: &str, default: &str| -> Result<String, ConfigError> {
            let value = env.url(name, default);
            if !(value.starts_with("http://") || value.starts_with("https://")) {
                return Err(invalid(name, "must be an http(s) URL"));
            }
            Ok(value)
        };
        let int = |name: &str, (min, max): (u32, u32), default: u32| {
            let n: u32 = env.parse(name, default)?;
            if (min..=max).contains(&n) {
                Ok(n)
            } else {
                Err(invalid(
                    name,
                    format!("must be an integer between {min} and {max}"),
                ))
            }
        };
        Ok(Self {
            graphy_base: base("GRAPHY_BASE_URL", "https://api.graphy.com")?,
            ezexam_base: base("EZEXAM_BASE_URL", "https://api.ezexam.in")?,
            page_size: int("SYNC_PAGE_SIZE", (1, 500), 100)?,
            max_pages: int("SYNC_MAX_PAGES", (1, 100_000), 10_000)?,
            min_interval_secs: int("SYNC_MIN_INTERVAL_SECS", (1, 86_400), 300)?,
            timeout: Duration::from_millis(u64::from(int(
                "SYNC_TIMEOUT_MS",
                (100, 120_000),
                15_000,
            )?)),
            reminder_throttle_hours: int("MRLEARN_REMINDER_THROTTLE_HOURS", (1, 720), 24)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_bad_values() {
        let c = SyncConfig::from_env(&Env::from_pairs(&[])).unwrap();
        assert_eq!(c.graphy_base, "https://api.graphy.com");
        assert_eq!(c.page_size, 100);
        assert_eq!(c.min_interval_secs, 300);
        assert_eq!(c.reminder_throttle_hours, 24);
        let c =
            SyncConfig::from_env(&Env::from_pairs(&[("EZEXAM_BASE_URL", "http://x:1/")])).unwrap();
        assert_eq!(c.ezexam_base, "http://x:1");
        let err = SyncConfig::from_env(&Env::from_pairs(&[("SYNC_PAGE_SIZE", "0")]))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("SYNC_PAGE_SIZE:"), "{err}");
        let err = SyncConfig::from_env(&Env::from_pairs(&[("GRAPHY_BASE_URL", "ftp://g")]))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("GRAPHY_BASE_URL:"), "{err}");
    }
}

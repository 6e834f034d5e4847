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
    /// `SYNC_ALLOWED_HOSTS`: the hosts a config's own `base_url` may name, comma-separated
    /// (default: the hosts of `GRAPHY_BASE_URL` and `EZEXAM_BASE_URL`). The sync sends the
    /// sealed key to that URL and the admin proxies return what it answers, so a platform
    /// ADMIN must not be able to point it at an internal address (SSRF).
    pub allowed_hosts: Vec<String>,
}

/// The lower-cased host of an http(s) URL without user info, or why it has none.
fn host_of(url: &str) -> Result<String, String> {
    let parsed = reqwest::Url::parse(url).map_err(|_| "must be an http(s) URL".to_owned())?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err("must be an http(s) URL".into());
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("must not carry user info".into());
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err("must not carry a query or a fragment".into());
    }
    parsed
        .host_str()
        .map(str::to_ascii_lowercase)
        .ok_or_else(|| "must name a host".to_owned())
}

impl SyncConfig {
    /// Whether a config may use `url` as its own base URL: http(s), no user info, query or
    /// fragment, and a host on [`SyncConfig::allowed_hosts`].
    pub fn check_base_url(&self, url: &str) -> Result<(), String> {
        let host = host_of(url)?;
        if self.allowed_hosts.contains(&host) {
            Ok(())
        } else {
            Err(format!(
                "host {host} is not on SYNC_ALLOWED_HOSTS (allowed: {})",
                self.allowed_hosts.join(", ")
            ))
        }
    }
}

impl SyncConfig {
    /// Reads the section.
    pub fn from_env(env: &Env<'_>) -> Result<Self, ConfigError> {
        let base = |name: &str, default: &str| env.http_url(name, default);
        let int = |name: &str, bounds: (u32, u32), default: u32| env.int_in(name, bounds, default);
        let graphy_base = base("GRAPHY_BASE_URL", "https://api.graphy.com")?;
        let ezexam_base = base("EZEXAM_BASE_URL", "https://api.ezexam.in")?;
        let allowed_hosts = match env.get("SYNC_ALLOWED_HOSTS") {
            Some(list) if !list.trim().is_empty() => list
                .split(',')
                .map(|h| h.trim().to_ascii_lowercase())
                .filter(|h| !h.is_empty())
                .collect(),
            _ => [&graphy_base, &ezexam_base]
                .into_iter()
                .map(|u| host_of(u).map_err(|m| invalid("GRAPHY_BASE_URL/EZEXAM_BASE_URL", m)))
                .collect::<Result<Vec<_>, _>>()?,
        };
        Ok(Self {
            allowed_hosts,
            graphy_base,
            ezexam_base,
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
        assert_eq!(c.allowed_hosts, ["api.graphy.com", "api.ezexam.in"]);
        assert!(c.check_base_url("https://api.graphy.com/v2").is_ok());
        for bad in [
            "http://169.254.169.254/latest",
            "http://127.0.0.1:6379",
            "https://api.graphy.com.evil.test",
            "https://user:pw@api.graphy.com",
            "https://api.graphy.com/?x=",
            "ftp://api.graphy.com",
            "not a url",
        ] {
            assert!(c.check_base_url(bad).is_err(), "{bad}");
        }
        let c = SyncConfig::from_env(&Env::from_pairs(&[(
            "SYNC_ALLOWED_HOSTS",
            " 127.0.0.1 ,X.test",
        )]))
        .unwrap();
        assert_eq!(c.allowed_hosts, ["127.0.0.1", "x.test"]);
        assert!(c.check_base_url("http://127.0.0.1:4000").is_ok());
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

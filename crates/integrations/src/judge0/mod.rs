//! Judge0 (code execution): the configuration section (`JUDGE0_*`), the client
//! ([`Judge0`]: one submission, or a program run against test cases for graders) and its
//! typed outcome ([`Execution`], [`Verdict`]). The proxy route `POST /api/judge0/submissions`
//! is in `routes::judge0` (ADR 0044).
//!
//! Programs and their input travel base64-encoded both ways, so any bytes round-trip. The
//! deployment's Judge0 token (`JUDGE0_AUTH_TOKEN`) is sent only to Judge0, in
//! `JUDGE0_AUTH_HEADER`; it is never logged, answered or put in an error. Without
//! `JUDGE0_URL` there is no client and the routes answer 503 `provider_not_configured`.

mod client;
mod error;
mod grading;
mod outcome;

use std::time::Duration;

use kernel::config::{ConfigError, Env, invalid};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use utoipa::ToSchema;

pub use client::{Judge0, RunLimits, Submission};
pub use error::Judge0Error;
pub use grading::{CASE_CONCURRENCY, CaseResult, TestCase};
pub use outcome::{Execution, RuntimeSignal, Verdict};

/// Name of the provider in errors.
pub const PROVIDER: &str = "Judge0";

/// The allow-list when `JUDGE0_LANGUAGES` is unset: Python 3, C, C++, Java, JavaScript.
pub const DEFAULT_LANGUAGES: &[u32] = &[71, 50, 54, 62, 63];

/// Judge0 CE's language ids and names (those an allow-list is likely to hold); an id not
/// listed here is shown as `Language <id>`.
const KNOWN_LANGUAGES: &[(u32, &str)] = &[
    (45, "Assembly (NASM 2.14.02)"),
    (46, "Bash (5.0.0)"),
    (50, "C (GCC 9.2.0)"),
    (51, "C# (Mono 6.6.0.161)"),
    (54, "C++ (GCC 9.2.0)"),
    (60, "Go (1.13.5)"),
    (62, "Java (OpenJDK 13.0.1)"),
    (63, "JavaScript (Node.js 12.14.0)"),
    (68, "PHP (7.4.1)"),
    (71, "Python (3.8.1)"),
    (72, "Ruby (2.7.0)"),
    (73, "Rust (1.40.0)"),
    (74, "TypeScript (3.7.4)"),
    (78, "Kotlin (1.3.70)"),
    (82, "SQL (SQLite 3.27.2)"),
];

/// Highest `JUDGE0_MAX_SOURCE_BYTES` / `JUDGE0_MAX_STDIN_BYTES` (256 KiB, the length the
/// request schema declares; the JSON body limit of 1 MiB holds both).
pub const MAX_TEXT_BYTES: usize = 256 * 1024;

/// One allowed language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Language {
    /// Judge0's language id.
    #[schema(example = 71)]
    pub id: u32,
    /// Its name.
    #[schema(example = "Python (3.8.1)")]
    pub name: String,
}

impl Language {
    /// The language of `id`, named from Judge0 CE's list.
    pub fn of(id: u32) -> Self {
        let name = KNOWN_LANGUAGES
            .iter()
            .find(|(known, _)| *known == id)
            .map_or_else(|| format!("Language {id}"), |(_, name)| (*name).to_owned());
        Self { id, name }
    }
}

/// The Judge0 section (`JUDGE0_*`).
#[derive(Clone)]
pub struct Judge0Config {
    /// `JUDGE0_URL`: Judge0's base URL (`https://judge0.example.com`); unset disables Judge0.
    pub url: Option<String>,
    /// `JUDGE0_AUTH_TOKEN` (or `_FILE`): sent to Judge0 only, in `auth_header`.
    pub auth_token: Option<SecretString>,
    /// `JUDGE0_AUTH_HEADER`: the header carrying the token (default `X-Auth-Token`;
    /// `X-RapidAPI-Key` for RapidAPI, which also gets `X-RapidAPI-Host`).
    pub auth_header: String,
    /// `JUDGE0_LANGUAGES`: allowed language ids, comma-separated (default 71,50,54,62,63).
    pub languages: Vec<u32>,
    /// `JUDGE0_MAX_SOURCE_BYTES`: the largest program, 1-262144 (default 65536).
    pub max_source_bytes: usize,
    /// `JUDGE0_MAX_STDIN_BYTES`: the largest input (and expected output), 0-262144
    /// (default 16384).
    pub max_stdin_bytes: usize,
    /// `JUDGE0_RATE_PER_MINUTE`: submissions per user and platform per minute through the
    /// proxy, 1-10000 (default 20).
    pub rate_per_minute: u32,
    /// `JUDGE0_TIMEOUT_SECONDS`: how long one submission may take end to end, 1-300
    /// (default 15).
    pub timeout: Duration,
}

impl std::fmt::Debug for Judge0Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Judge0Config")
            .field("url", &self.url)
            .field("auth_token_set", &self.auth_token.is_some())
            .field("auth_header", &self.auth_header)
            .field("languages", &self.languages)
            .field("max_source_bytes", &self.max_source_bytes)
            .field("max_stdin_bytes", &self.max_stdin_bytes)
            .field("rate_per_minute", &self.rate_per_minute)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl Judge0Config {
    /// Reads the section; a bad value stops boot naming the variable.
    pub fn from_env(env: &Env<'_>) -> Result<Self, ConfigError> {
        let url = match env.get("JUDGE0_URL") {
            Some(_) => Some(env.http_url("JUDGE0_URL", "")?),
            None => None,
        };
        let auth_header = env
            .get("JUDGE0_AUTH_HEADER")
            .unwrap_or_else(|| "X-Auth-Token".into());
        if reqwest::header::HeaderName::from_bytes(auth_header.trim().as_bytes()).is_err() {
            return Err(invalid("JUDGE0_AUTH_HEADER", "must be an HTTP header name"));
        }
        let auth_token = env.secret("JUDGE0_AUTH_TOKEN")?;
        if auth_token
            .as_ref()
            .is_some_and(|t| reqwest::header::HeaderValue::from_str(t.expose_secret()).is_err())
        {
            return Err(invalid(
                "JUDGE0_AUTH_TOKEN",
                "must be printable ASCII (it is sent as a header)",
            ));
        }
        Ok(Self {
            url,
            auth_token,
            auth_header: auth_header.trim().to_owned(),
            languages: languages(env.get("JUDGE0_LANGUAGES").as_deref())?,
            max_source_bytes: env.int_in("JUDGE0_MAX_SOURCE_BYTES", (1, MAX_TEXT_BYTES), 65_536)?,
            max_stdin_bytes: env.int_in("JUDGE0_MAX_STDIN_BYTES", (0, MAX_TEXT_BYTES), 16_384)?,
            rate_per_minute: env.int_in("JUDGE0_RATE_PER_MINUTE", (1, 10_000), 20)?,
            timeout: Duration::from_secs(env.int_in("JUDGE0_TIMEOUT_SECONDS", (1, 300), 15)?),
        })
    }

    /// The allowed languages, named.
    pub fn allowed_languages(&self) -> Vec<Language> {
        self.languages.iter().copied().map(Language::of).collect()
    }
}

/// `71, 50,54` -> `[71, 50, 54]` (order kept, repeats dropped); unset is the default list.
fn languages(raw: Option<&str>) -> Result<Vec<u32>, ConfigError> {
    let Some(raw) = raw else {
        return Ok(DEFAULT_LANGUAGES.to_vec());
    };
    let mut ids = Vec::new();
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let id: u32 = part
            .parse()
            .ok()
            .filter(|id| (1..=10_000).contains(id))
            .ok_or_else(|| {
                invalid(
                    "JUDGE0_LANGUAGES",
                    format!("{part:?} is not a language id (1-10000)"),
                )
            })?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.is_empty() {
        return Err(invalid(
            "JUDGE0_LANGUAGES",
            "must list at least one language id",
        ));
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(pairs: &[(&str, &str)]) -> Result<Judge0Config, ConfigError> {
        Judge0Config::from_env(&Env::from_pairs(pairs))
    }

    #[test]
    fn defaults_leave_judge0_off_with_sensible_limits() {
        let c = cfg(&[]).unwrap();
        assert_eq!(c.url, None);
        assert!(c.auth_token.is_none());
        assert_eq!(c.auth_header, "X-Auth-Token");
        assert_eq!(c.languages, vec![71, 50, 54, 62, 63]);
        assert_eq!(c.max_source_bytes, 65_536);
        assert_eq!(c.max_stdin_bytes, 16_384);
        assert_eq!(c.rate_per_minute, 20);
        assert_eq!(c.timeout, Duration::from_secs(15));
        assert_eq!(c.allowed_languages()[0].name, "Python (3.8.1)");
    }

    #[test]
    fn values_are_read_and_trimmed() {
        let c = cfg(&[
            ("JUDGE0_URL", "https://judge0.example.com/"),
            ("JUDGE0_AUTH_TOKEN", "tok-123"),
            ("JUDGE0_AUTH_HEADER", "X-RapidAPI-Key"),
            ("JUDGE0_LANGUAGES", " 71, 9999 ,71,"),
            ("JUDGE0_MAX_SOURCE_BYTES", "1000"),
            ("JUDGE0_MAX_STDIN_BYTES", "0"),
            ("JUDGE0_RATE_PER_MINUTE", "5"),
            ("JUDGE0_TIMEOUT_SECONDS", "1"),
        ])
        .unwrap();
        assert_eq!(c.url.as_deref(), Some("https://judge0.example.com"));
        assert_eq!(c.auth_token.as_ref().unwrap().expose_secret(), "tok-123");
        assert_eq!(c.auth_header, "X-RapidAPI-Key");
        assert_eq!(c.languages, vec![71, 9999]);
        assert_eq!(c.allowed_languages()[1].name, "Language 9999");
        assert_eq!(
            (c.max_source_bytes, c.max_stdin_bytes, c.rate_per_minute),
            (1000, 0, 5)
        );
        assert_eq!(c.timeout, Duration::from_secs(1));
    }

    #[test]
    fn bad_values_name_the_variable() {
        for (name, value) in [
            ("JUDGE0_URL", "ftp://judge0"),
            ("JUDGE0_AUTH_HEADER", "bad header"),
            ("JUDGE0_AUTH_TOKEN", "line\nbreak"),
            ("JUDGE0_LANGUAGES", "71,python"),
            ("JUDGE0_LANGUAGES", "0"),
            ("JUDGE0_LANGUAGES", " , "),
            ("JUDGE0_MAX_SOURCE_BYTES", "0"),
            ("JUDGE0_MAX_STDIN_BYTES", "262145"),
            ("JUDGE0_RATE_PER_MINUTE", "0"),
            ("JUDGE0_TIMEOUT_SECONDS", "301"),
        ] {
            let err = cfg(&[(name, value)]).unwrap_err().to_string();
            assert!(
                err.starts_with(&format!("{name}:")),
                "{name}={value}: {err}"
            );
        }
    }

    #[test]
    fn debug_never_prints_the_token() {
        let c = cfg(&[("JUDGE0_AUTH_TOKEN", "tok-secret-42")]).unwrap();
        let text = format!("{c:?}");
        assert!(!text.contains("tok-secret-42"), "{text}");
        assert!(text.contains("auth_token_set: true"), "{text}");
    }
}

//! Typed configuration from the environment: the process-wide settings ([`Config`]) and the
//! machinery every crate's own section uses ([`Env`], [`ConfigError`],
//! [`check_production_secret`], the [`labels`] of keys derived from `JWT_SECRET`).
//!
//! Order: process environment, then `.env` (development only, never overriding the process
//! environment), then defaults. Every secret may also be given as `<NAME>_FILE`, a path whose
//! contents are the value (Docker/Kubernetes secrets). Secrets are [`SecretString`]s, so
//! `Debug` never prints them. Domain settings live in their crates (`<crate>/src/config.rs`),
//! read from the same [`Env`] and composed by the gateway.

mod env;
mod secrets;

use std::{fmt, net::IpAddr, str::FromStr, time::Duration};

use secrecy::{ExposeSecret, SecretString};

pub use env::{ConfigError, Env, invalid};
pub use secrets::{
    DEV_JWT_SECRET, MIN_SECRET_BITS, check_production_secret, estimated_entropy_bits, labels,
};

/// Where the process runs; decides CORS permissiveness, log format and HSTS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppEnv {
    /// Local development: permissive CORS, pretty logs, `.env` loaded.
    Development,
    /// Production: allow-listed CORS, JSON logs, HSTS, required secrets.
    Production,
}

impl AppEnv {
    /// Whether this is production.
    pub fn is_production(self) -> bool {
        self == AppEnv::Production
    }
}

/// The process-wide configuration of one gateway process (listening, database, Redis, JWT,
/// tenancy, CORS, logs, queues, metrics).
#[derive(Clone)]
pub struct Config {
    /// `APP_ENV`: development or production.
    pub app_env: AppEnv,
    /// `HOST`: listen address.
    pub host: IpAddr,
    /// `PORT`: listen port (0 picks a free one, used by tests).
    pub port: u16,
    /// `HTTP_WORKERS`: actix worker threads (default: number of CPUs).
    pub http_workers: Option<usize>,
    /// `SHUTDOWN_TIMEOUT_SECS`: how long in-flight requests may take to finish on shutdown.
    pub shutdown_timeout: Duration,
    /// `DATABASE_URL`: PostgreSQL URL; the database is created if missing.
    pub database_url: SecretString,
    /// `DB_POOL_MAX`: maximum pool connections.
    pub db_pool_max: u32,
    /// `DB_POOL_MIN`: connections kept open.
    pub db_pool_min: u32,
    /// `DB_CONNECT_TIMEOUT_MS`: timeout of opening one connection.
    pub db_connect_timeout: Duration,
    /// `METRICS_TOKEN`: bearer token `/metrics` requires (`Authorization: Bearer …`). Unset:
    /// open in development, and in production served only to loopback peers (a sidecar or
    /// node agent scraping on the host).
    pub metrics_token: Option<SecretString>,
    /// `DB_ACQUIRE_TIMEOUT_MS`: the longest a request waits for a pooled connection; past it
    /// the request answers 503 `database_unavailable` (default 1000 ms).
    pub db_acquire_timeout: Duration,
    /// `READY_CHECK_TIMEOUT_MS`: deadline of each readiness check (default 800 ms).
    pub ready_check_timeout: Duration,
    /// `REDIS_URL`: Redis URL.
    pub redis_url: SecretString,
    /// `REDIS_POOL_MAX`: maximum pooled Redis connections.
    pub redis_pool_max: usize,
    /// `REDIS_KEY_PREFIX`: prefix of every cache/rate-limit key this process writes.
    pub redis_key_prefix: String,
    /// `JWT_SECRET`: HS256 secret of access tokens.
    pub jwt_secret: SecretString,
    /// `JWT_ISSUER`: `iss` claim written and required.
    pub jwt_issuer: String,
    /// `DEFAULT_PLATFORM`: platform slug used when `X-Platform` is absent.
    pub default_platform: String,
    /// `CORS_ALLOWED_ORIGINS`: JSON array of allowed browser origins.
    pub cors_allowed_origins: Vec<String>,
    /// `TENANT_CACHE_TTL_SECS`: how long a replica trusts its cached platforms table.
    pub tenant_cache_ttl: Duration,
    /// `RUST_LOG` (or `LOG_LEVEL`): tracing filter.
    pub log_filter: String,
    /// `LOG_FORMAT`: `json` or `pretty` (default: json in production, pretty otherwise).
    pub log_json: bool,
    /// `BULLMQ_PREFIX`: BullMQ key prefix.
    pub bullmq_prefix: String,
    /// `PUBLIC_BASE_URL`: the URL clients reach this deployment at (links, callbacks, signed URLs).
    pub public_base_url: String,
    /// `TRUSTED_PROXIES`: proxies (IPs or CIDRs, comma-separated) whose `X-Forwarded-For`
    /// is believed; the client is the right-most address not in the list. Empty (default):
    /// the peer address, whatever the headers say.
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

/// A fixed-window rate limit: at most `limit` hits per `window`.
/// Written `N/SECONDS` in the environment (`10/900`: ten per fifteen minutes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Hits allowed per window.
    pub limit: u32,
    /// Window length.
    pub window: Duration,
}

impl RateLimit {
    /// `limit` per `secs` seconds.
    pub const fn per(limit: u32, secs: u64) -> Self {
        Self {
            limit,
            window: Duration::from_secs(secs),
        }
    }
}

impl FromStr for RateLimit {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (n, secs) = s
            .split_once('/')
            .ok_or_else(|| format!("expected N/SECONDS, got {s:?}"))?;
        let limit: u32 = n.trim().parse().map_err(|e| format!("count: {e}"))?;
        let secs: u64 = secs.trim().parse().map_err(|e| format!("seconds: {e}"))?;
        if limit == 0 || secs == 0 {
            return Err("count and seconds must be positive".into());
        }
        Ok(Self::per(limit, secs))
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("app_env", &self.app_env)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("http_workers", &self.http_workers)
            .field("shutdown_timeout", &self.shutdown_timeout)
            .field(
                "database_url",
                &redact_url(self.database_url.expose_secret()),
            )
            .field("db_pool_max", &self.db_pool_max)
            .field("db_pool_min", &self.db_pool_min)
            .field("redis_url", &redact_url(self.redis_url.expose_secret()))
            .field("redis_key_prefix", &self.redis_key_prefix)
            .field("jwt_secret", &"[REDACTED]")
            .field("default_platform", &self.default_platform)
            .field("cors_allowed_origins", &self.cors_allowed_origins)
            .field("log_filter", &self.log_filter)
            .field("log_json", &self.log_json)
            .field("public_base_url", &self.public_base_url)
            .field("trusted_proxies", &self.trusted_proxies)
            .field(
                "metrics_token",
                &self.metrics_token.as_ref().map(|_| "[REDACTED]"),
            )
            .finish_non_exhaustive()
    }
}

/// Replaces the password of a URL with `***` (for logs and `Debug`).
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme_end + 3],
                    &userinfo[..colon],
                    &url[at..]
                ),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// `TRUSTED_PROXIES`: comma-separated IPs (as /32 or /128) and CIDRs.
fn parse_proxies(raw: Option<&str>) -> Result<Vec<ipnet::IpNet>, ConfigError> {
    raw.unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<ipnet::IpNet>()
                .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| invalid("TRUSTED_PROXIES", format!("{s:?} is not an IP or a CIDR")))
        })
        .collect()
}

impl Config {
    /// The 32-byte key of one purpose (a [`labels`] constant), derived from `JWT_SECRET` with
    /// HKDF-SHA256: no purpose signs with the JWT secret itself.
    pub fn derived_key(&self, label: &str) -> [u8; 32] {
        crate::crypto::derive_key(self.jwt_secret.expose_secret().as_bytes(), label)
    }

    /// [`Config::derived_key`] hex-encoded, as the default of a secret setting.
    pub fn derived_secret(&self, label: &str) -> SecretString {
        SecretString::from(hex::encode(self.derived_key(label)))
    }

    /// Reads the process environment ([`Env::process`]: `.env` first unless
    /// `APP_ENV=production`).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::read(&Env::process())
    }

    /// Builds the configuration from any variable lookup (the environment, or a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Self::read(&Env::new(lookup))
    }

    /// Reads the process-wide settings from `env`; in production, refuses example and weak
    /// secrets ([`check_production_secret`]): `JWT_SECRET` (the development default is an
    /// example value) and `METRICS_TOKEN` when set.
    pub fn read(env: &Env<'_>) -> Result<Self, ConfigError> {
        let app_env = match env.get("APP_ENV").as_deref() {
            None | Some("development") | Some("dev") | Some("test") => AppEnv::Development,
            Some("production") | Some("prod") => AppEnv::Production,
            Some(other) => return Err(invalid("APP_ENV", format!("unknown value {other:?}"))),
        };
        let production = app_env.is_production();
        let jwt_secret = match env.secret("JWT_SECRET")? {
            Some(secret) if secret.expose_secret().len() >= 32 => secret,
            Some(_) => return Err(invalid("JWT_SECRET", "must be at least 32 characters")),
            None if production => return Err(ConfigError::Missing("JWT_SECRET")),
            None => SecretString::from(DEV_JWT_SECRET),
        };
        let cors_allowed_origins = match env.get("CORS_ALLOWED_ORIGINS") {
            None => Vec::new(),
            Some(raw) if raw.trim().is_empty() => Vec::new(),
            Some(raw) => serde_json::from_str::<Vec<String>>(&raw).map_err(|e| {
                invalid(
                    "CORS_ALLOWED_ORIGINS",
                    format!("expected a JSON array of strings: {e}"),
                )
            })?,
        };
        let log_json = match env.get("LOG_FORMAT").as_deref() {
            Some("json") => true,
            Some("pretty") => false,
            None => production,
            Some(other) => {
                return Err(invalid(
                    "LOG_FORMAT",
                    format!("expected json or pretty, got {other:?}"),
                ));
            }
        };
        let config = Config {
            app_env,
            host: env.parse("HOST", IpAddr::from([0, 0, 0, 0]))?,
            port: env.parse("PORT", 8000)?,
            http_workers: env.parse_opt("HTTP_WORKERS")?,
            shutdown_timeout: Duration::from_secs(env.parse("SHUTDOWN_TIMEOUT_SECS", 30)?),
            database_url: env
                .secret("DATABASE_URL")?
                .unwrap_or_else(|| SecretString::from("postgres://postgres@127.0.0.1:5432/mas")),
            db_pool_max: env.parse("DB_POOL_MAX", 20)?,
            db_pool_min: env.parse("DB_POOL_MIN", 1)?,
            db_connect_timeout: Duration::from_millis(env.parse("DB_CONNECT_TIMEOUT_MS", 3000)?),
            db_acquire_timeout: Duration::from_millis(env.parse("DB_ACQUIRE_TIMEOUT_MS", 1000)?),
            metrics_token: env.secret("METRICS_TOKEN")?,
            ready_check_timeout: Duration::from_millis(env.parse("READY_CHECK_TIMEOUT_MS", 800)?),
            redis_url: env
                .secret("REDIS_URL")?
                .unwrap_or_else(|| SecretString::from("redis://127.0.0.1:6379")),
            redis_pool_max: env.parse("REDIS_POOL_MAX", 32)?,
            redis_key_prefix: env.get("REDIS_KEY_PREFIX").unwrap_or_else(|| "mas:".into()),
            jwt_issuer: env
                .get("JWT_ISSUER")
                .unwrap_or_else(|| "mas-gateway".into()),
            default_platform: env
                .get("DEFAULT_PLATFORM")
                .unwrap_or_else(|| "mr-mentor".into()),
            cors_allowed_origins,
            tenant_cache_ttl: Duration::from_secs(env.parse("TENANT_CACHE_TTL_SECS", 30)?),
            log_filter: env
                .get("RUST_LOG")
                .or_else(|| env.get("LOG_LEVEL"))
                .unwrap_or_else(|| "info,sqlx=warn,sea_orm=warn".into()),
            log_json,
            bullmq_prefix: env.get("BULLMQ_PREFIX").unwrap_or_else(|| "bull".into()),
            public_base_url: env.url("PUBLIC_BASE_URL", "http://localhost:8000"),
            trusted_proxies: parse_proxies(env.get("TRUSTED_PROXIES").as_deref())?,
            jwt_secret,
        };
        if production {
            check_production_secret("JWT_SECRET", config.jwt_secret.expose_secret())?;
            if let Some(token) = &config.metrics_token {
                check_production_secret("METRICS_TOKEN", token.expose_secret())?;
            }
        }
        Ok(config)
    }

    /// The socket address string to bind.
    pub fn listen_addr(&self) -> (IpAddr, u16) {
        (self.host, self.port)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::read(&Env::from_pairs(pairs))
    }

    #[test]
    fn defaults_match_the_contract() {
        let c = cfg(&[]).unwrap();
        assert_eq!(c.port, 8000);
        assert_eq!(c.app_env, AppEnv::Development);
        assert_eq!(c.default_platform, "mr-mentor");
        assert_eq!(
            c.database_url.expose_secret(),
            "postgres://postgres@127.0.0.1:5432/mas"
        );
        assert_eq!(c.redis_url.expose_secret(), "redis://127.0.0.1:6379");
        assert_eq!(c.bullmq_prefix, "bull");
        assert!(c.cors_allowed_origins.is_empty());
    }

    #[test]
    fn production_requires_a_real_jwt_secret() {
        assert!(matches!(
            cfg(&[("APP_ENV", "production")]),
            Err(ConfigError::Missing("JWT_SECRET"))
        ));
        assert!(cfg(&[("APP_ENV", "production"), ("JWT_SECRET", DEV_JWT_SECRET)]).is_err());
        assert!(cfg(&[("JWT_SECRET", "short")]).is_err());
        const STRONG: &str = "q7J2mXv9LkP4sR1tW8yZ3bN6cF0hD5gA2eU7iO9pK4lM1nB8vC3xZ6";
        let c = cfg(&[("APP_ENV", "production"), ("JWT_SECRET", STRONG)]).unwrap();
        assert!(c.log_json);
        // the review's attack: the value shipped in deploy/k8s/configmap.yaml boots nothing
        let refused = |secret: &str| {
            let res = cfg(&[("APP_ENV", "production"), ("JWT_SECRET", secret)]);
            assert!(
                matches!(&res, Err(ConfigError::Invalid { name, .. }) if name == "JWT_SECRET"),
                "{secret:?} was accepted"
            );
        };
        refused("change-me-to-at-least-32-random-characters");
        refused("CHANGEME-CHANGEME-CHANGEME-CHANGEME-1234");
        refused("this-is-an-example-secret-of-48-characters-long!");
        refused(&"x".repeat(40));
        refused(&"ab".repeat(32));
        refused("passwordpasswordpasswordpassword");
        // other secrets set in production are held to the same rule (the domain crates'
        // secrets are checked by their own sections)
        let res = cfg(&[
            ("APP_ENV", "production"),
            ("JWT_SECRET", STRONG),
            (
                "METRICS_TOKEN",
                "change-me-to-at-least-32-random-characters",
            ),
        ]);
        assert!(
            matches!(&res, Err(ConfigError::Invalid { name, .. }) if name == "METRICS_TOKEN"),
            "{res:?}"
        );
        // development accepts anything of 32 characters or more
        assert!(cfg(&[("JWT_SECRET", &"x".repeat(40))]).is_ok());
    }

    #[test]
    fn purposes_get_distinct_keys_derived_from_the_jwt_secret() {
        let c = cfg(&[]).unwrap();
        let keys = [
            labels::OTP_CODES,
            labels::ACTION_LINKS,
            labels::TERMINAL_TOKENS,
            labels::GOOGLE_CALENDAR_SEAL,
            labels::STORAGE_SIGNED_URLS,
            labels::AI_CREDENTIALS_SEAL,
        ]
        .map(|l| c.derived_key(l));
        for (i, a) in keys.iter().enumerate() {
            assert_ne!(a.as_slice(), c.jwt_secret.expose_secret().as_bytes());
            for b in &keys[i + 1..] {
                assert_ne!(a, b);
            }
        }
        assert_eq!(
            c.derived_secret(labels::STORAGE_SIGNED_URLS)
                .expose_secret(),
            hex::encode(c.derived_key(labels::STORAGE_SIGNED_URLS))
        );
        assert!(estimated_entropy_bits(&"x".repeat(64)) < 1.0);
        assert!(estimated_entropy_bits("0123456789abcdef0123456789abcdef") >= 120.0);
    }

    #[test]
    fn secrets_come_from_files_and_never_print() {
        let dir = std::env::temp_dir().join(format!("kernel-config-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("jwt");
        std::fs::write(&path, format!("{}\n", "s".repeat(48))).unwrap();
        let c = cfg(&[
            ("JWT_SECRET_FILE", path.to_str().unwrap()),
            ("DATABASE_URL", "postgres://app:hunter2@db:5432/mas"),
            ("EMAIL_USER", "mailer@example.com"),
            ("EMAIL_PASS", "app-password-123"),
            ("EXOTEL_API_TOKEN", "exo-token-456"),
        ])
        .unwrap();
        assert_eq!(c.jwt_secret.expose_secret(), "s".repeat(48));
        let printed = format!("{c:?}");
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(!printed.contains(&"s".repeat(48)), "{printed}");
        assert!(
            printed.contains("postgres://app:***@db:5432/mas"),
            "{printed}"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn trusted_proxies_and_rate_limits_parse() {
        assert!(cfg(&[]).unwrap().trusted_proxies.is_empty());
        let c = cfg(&[("TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.7")]).unwrap();
        assert_eq!(c.trusted_proxies.len(), 2);
        let err = cfg(&[("TRUSTED_PROXIES", "proxy.local")])
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("TRUSTED_PROXIES:"), "{err}");
        assert_eq!("3/60".parse::<RateLimit>(), Ok(RateLimit::per(3, 60)));
        assert!("3".parse::<RateLimit>().is_err());
        assert!("0/60".parse::<RateLimit>().is_err());
    }

    #[test]
    fn bad_values_name_the_variable() {
        let err = cfg(&[("PORT", "eighty")]).unwrap_err().to_string();
        assert!(err.starts_with("PORT:"), "{err}");
        let err = cfg(&[("CORS_ALLOWED_ORIGINS", "https://a.example")])
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("CORS_ALLOWED_ORIGINS:"), "{err}");
        let c = cfg(&[("CORS_ALLOWED_ORIGINS", r#"["https://a.example"]"#)]).unwrap();
        assert_eq!(c.cors_allowed_origins, vec!["https://a.example".to_owned()]);
    }
}

//! Typed configuration from the environment.
//!
//! Order: process environment, then `.env` (development only, never overriding the process
//! environment), then defaults. Every secret may also be given as `<NAME>_FILE`, a path whose
//! contents are the value (Docker/Kubernetes secrets). Secrets are [`SecretString`]s, so
//! `Debug` never prints them.

use std::{fmt, net::IpAddr, path::PathBuf, str::FromStr, time::Duration};

use secrecy::{ExposeSecret, SecretString};

/// The development-only JWT secret used when `JWT_SECRET` is unset outside production.
pub const DEV_JWT_SECRET: &str = "development-only-jwt-secret-change-me-0123456789";

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

/// Errors found while reading the configuration.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A variable is present but cannot be parsed.
    #[error("{name}: {message}")]
    Invalid {
        /// Variable name.
        name: String,
        /// What is wrong with it.
        message: String,
    },
    /// A variable required in this environment is missing.
    #[error("{0} is required when APP_ENV=production")]
    Missing(&'static str),
    /// A `*_FILE` path could not be read.
    #[error("{name}_FILE: cannot read {path}: {source}")]
    File {
        /// Variable name without `_FILE`.
        name: String,
        /// The path given.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// The whole configuration of one gateway process.
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
    /// Email delivery.
    pub email: EmailConfig,
    /// Object storage.
    pub storage: StorageConfig,
    /// WhatsApp Cloud API.
    pub whatsapp: WhatsAppConfig,
    /// Exotel telephony.
    pub exotel: ExotelConfig,
    /// Razorpay payments (token purchases).
    pub razorpay: RazorpayConfig,
    /// `ALLOW_EARLY_MEETING_JOIN`: participants may join before the start (by the buffer).
    pub allow_early_meeting_join: bool,
    /// `MEETING_JOIN_BUFFER_MINUTES`: how early (when allowed) and how late after the end a
    /// meeting can be joined.
    pub meeting_join_buffer_minutes: i64,
    /// Sign-in: token lifetimes, password hashing, rate limits, OTP, seeded users.
    pub auth: AuthConfig,
    /// Google sign-in (OAuth 2.0 authorization code flow with PKCE).
    pub google: GoogleConfig,
    /// Socket.IO and the terminal relay.
    pub realtime: RealtimeConfig,
}

/// Socket.IO (Engine.IO heartbeats, payload limit, the Redis adapter's node heartbeat) and
/// the terminal relay's limits.
#[derive(Debug, Clone)]
pub struct RealtimeConfig {
    /// `SOCKET_PING_INTERVAL_MS`: how often the server pings a client (default 25000).
    pub ping_interval: Duration,
    /// `SOCKET_PING_TIMEOUT_MS`: how long a pong may take (default 20000).
    pub ping_timeout: Duration,
    /// `SOCKET_MAX_PAYLOAD_BYTES`: largest Engine.IO packet or polling body (default 1000000).
    pub max_payload: usize,
    /// `REALTIME_HEARTBEAT_MS`: how often a node refreshes its presence heartbeat (default 2000).
    pub node_heartbeat: Duration,
    /// `REALTIME_NODE_TTL_MS`: a node silent this long is dead and its sockets leave
    /// presence (default 6000).
    pub node_ttl: Duration,
    /// `TERMINAL_MAX_FRAME_BYTES`: largest terminal relay frame (default 65536).
    pub terminal_max_frame: usize,
    /// `TERMINAL_IDLE_TIMEOUT_SECS`: a relay connection idle this long is closed (default 300).
    pub terminal_idle_timeout: Duration,
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

/// Per-IP and per-account rate limits of the sign-in endpoints (Redis-backed, so they hold
/// across replicas).
#[derive(Debug, Clone, Copy)]
pub struct RateLimits {
    /// `RATE_LIMIT_LOGIN_IP` (default `30/300`).
    pub login_ip: RateLimit,
    /// `RATE_LIMIT_LOGIN_ACCOUNT` (default `10/900`).
    pub login_account: RateLimit,
    /// `RATE_LIMIT_SIGNUP_IP` (default `20/3600`).
    pub signup_ip: RateLimit,
    /// `RATE_LIMIT_OTP_REQUEST_IP` (default `20/3600`).
    pub otp_request_ip: RateLimit,
    /// `RATE_LIMIT_OTP_REQUEST_ACCOUNT` (default `5/3600`); resends are also spaced by
    /// `OTP_RESEND_SECS`.
    pub otp_request_account: RateLimit,
    /// `RATE_LIMIT_OTP_VERIFY_IP` (default `30/300`).
    pub otp_verify_ip: RateLimit,
    /// `RATE_LIMIT_OTP_VERIFY_ACCOUNT` (default `10/900`).
    pub otp_verify_account: RateLimit,
    /// `RATE_LIMIT_RESET_IP` (default `10/3600`): forgot + reset.
    pub reset_ip: RateLimit,
    /// `RATE_LIMIT_RESET_ACCOUNT` (default `3/3600`): reset emails per account.
    pub reset_account: RateLimit,
}

/// Sign-in settings.
#[derive(Clone)]
pub struct AuthConfig {
    /// `ACCESS_TOKEN_TTL_SECS`: lifetime of access tokens (default 900).
    pub access_token_ttl: Duration,
    /// `REFRESH_TOKEN_TTL_SECS`: lifetime of a refresh token from its issue (default 30 days).
    pub refresh_token_ttl: Duration,
    /// `USER_CACHE_TTL_SECS`: how long a replica may serve a user's role and status from the
    /// Redis cache before reading PostgreSQL again (changes invalidate it at once).
    pub user_cache_ttl: Duration,
    /// `ARGON2_MEMORY_KIB`: argon2id memory cost (default 19456, OWASP's minimum).
    pub argon2_memory_kib: u32,
    /// `ARGON2_ITERATIONS`: argon2id time cost (default 2).
    pub argon2_iterations: u32,
    /// `ARGON2_PARALLELISM`: argon2id lanes (default 1).
    pub argon2_parallelism: u32,
    /// `TRUSTED_PROXIES`: proxies (IPs or CIDRs, comma-separated) whose `X-Forwarded-For`
    /// is believed; the client is the right-most address not in the list. Empty (default):
    /// the peer address, whatever the headers say.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Rate limits.
    pub rate_limits: RateLimits,
    /// `OTP_TTL_SECS`: how long an emailed code is valid (default 600).
    pub otp_ttl: Duration,
    /// `OTP_MAX_ATTEMPTS`: wrong tries before a code is dead (default 5).
    pub otp_max_attempts: u32,
    /// `OTP_RESEND_SECS`: minimum spacing of two codes for one address (default 60).
    pub otp_resend_interval: Duration,
    /// `PASSWORD_RESET_TTL_SECS`: lifetime of an emailed reset link (default 3600).
    pub password_reset_ttl: Duration,
    /// `ADMIN_EMAIL`: the first SUPERADMIN, seeded idempotently on the default platform.
    pub admin_email: Option<String>,
    /// `ADMIN_PASSWORD`: its password (used only when the account is created).
    pub admin_password: Option<SecretString>,
    /// `SEED_SALES_USERS`: JSON array of sales users seeded idempotently at boot.
    pub seed_sales_users: Vec<SeedUser>,
}

/// A user seeded from configuration (`SEED_SALES_USERS`).
#[derive(Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedUser {
    /// Email (lowercased when stored).
    pub email: String,
    /// Display name.
    pub full_name: String,
    /// Phone, optional.
    #[serde(default)]
    pub phone: Option<String>,
    /// Password; without one the user signs in by OTP or a reset link.
    #[serde(default)]
    pub password: Option<SecretString>,
    /// Platform slug (default: `DEFAULT_PLATFORM`).
    #[serde(default)]
    pub platform: Option<String>,
    /// Capability flags (`sales_head`, `cm`, `batch_lead`…).
    #[serde(default)]
    pub capabilities: Vec<crate::roles::Capability>,
}

impl fmt::Debug for SeedUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SeedUser")
            .field("email", &self.email)
            .field("platform", &self.platform)
            .field("capabilities", &self.capabilities)
            .finish_non_exhaustive()
    }
}

/// Google sign-in; without a client id the routes answer 503 `provider_not_configured`.
#[derive(Clone)]
pub struct GoogleConfig {
    /// `GOOGLE_CLIENT_ID`.
    pub client_id: Option<String>,
    /// `GOOGLE_CLIENT_SECRET`.
    pub client_secret: Option<SecretString>,
    /// `GOOGLE_REDIRECT_URI` (default `{PUBLIC_BASE_URL}/auth/google/callback`).
    pub redirect_uri: String,
    /// `GOOGLE_AUTH_URL`: the consent page.
    pub auth_url: String,
    /// `GOOGLE_TOKEN_URL`: the code exchange endpoint.
    pub token_url: String,
    /// `GOOGLE_USERINFO_URL`: the OpenID Connect userinfo endpoint.
    pub userinfo_url: String,
    /// `GOOGLE_CALENDAR_API_BASE`: the Calendar API (default
    /// `https://www.googleapis.com/calendar/v3`).
    pub calendar_api_base: String,
    /// `GOOGLE_CALENDAR_REDIRECT_URI`: where Google sends a mentor back after connecting a
    /// calendar (default `{PUBLIC_BASE_URL}/api/google-calendar/callback`).
    pub calendar_redirect_uri: String,
    /// `GOOGLE_CALENDAR_TOKEN_KEY`: the key that seals stored refresh tokens (default derived
    /// from `JWT_SECRET`).
    pub calendar_token_key: SecretString,
}

impl GoogleConfig {
    /// Whether sign-in with Google can run.
    pub fn configured(&self) -> bool {
        self.client_id.is_some() && self.client_secret.is_some()
    }
}

/// Email: SMTP when `SMTP_URL` or `EMAIL_USER`/`EMAIL_PASS` is set, else `.eml` files.
#[derive(Clone)]
pub struct EmailConfig {
    /// `SMTP_URL`: full lettre SMTP URL (`smtps://user:pass@host:465`), wins over the parts.
    pub smtp_url: Option<SecretString>,
    /// `EMAIL_HOST`: SMTP host used with `EMAIL_USER`/`EMAIL_PASS` (default Gmail).
    pub host: String,
    /// `EMAIL_PORT`: SMTP port (465 implicit TLS, 587 STARTTLS).
    pub port: u16,
    /// `EMAIL_USER`: SMTP user.
    pub user: Option<String>,
    /// `EMAIL_PASS`: SMTP password (a Gmail app password in the seed).
    pub pass: Option<SecretString>,
    /// `EMAIL_FROM`: the From header.
    pub from: String,
    /// `MAIL_OUTBOX_DIR`: where email goes as `.eml` files when no SMTP is configured.
    pub outbox_dir: PathBuf,
}

impl EmailConfig {
    /// Whether an SMTP server is configured.
    pub fn smtp_configured(&self) -> bool {
        self.smtp_url.is_some() || (self.user.is_some() && self.pass.is_some())
    }
}

/// Object storage: a local directory, or S3 (and S3-compatible endpoints) when a bucket is set.
#[derive(Clone)]
pub struct StorageConfig {
    /// `STORAGE_DIR`: root of the local store when no bucket is configured.
    pub dir: PathBuf,
    /// `AWS_S3_BUCKET`: bucket name; set to use S3.
    pub s3_bucket: Option<String>,
    /// `AWS_REGION`.
    pub s3_region: String,
    /// `AWS_S3_ENDPOINT`: custom endpoint (MinIO, R2).
    pub s3_endpoint: Option<String>,
    /// `AWS_ACCESS_KEY_ID`.
    pub s3_access_key_id: Option<String>,
    /// `AWS_SECRET_ACCESS_KEY`.
    pub s3_secret_access_key: Option<SecretString>,
    /// `STORAGE_SIGNING_SECRET`: HMAC key of local signed URLs (default: derived from `JWT_SECRET`).
    pub signing_secret: SecretString,
    /// `UPLOAD_MAX_BYTES`: largest file `POST /api/upload` accepts.
    pub upload_max_bytes: usize,
    /// `SIGNED_URL_TTL_SECS`: lifetime of presigned upload and download URLs.
    pub signed_url_ttl: Duration,
}

/// WhatsApp Cloud API; without a token and phone number id, sending self-disables.
#[derive(Clone)]
pub struct WhatsAppConfig {
    /// `WHATSAPP_API_BASE`: Graph API base URL (overridable for tests).
    pub api_base: String,
    /// `WHATSAPP_ACCESS_TOKEN`.
    pub access_token: Option<SecretString>,
    /// `WHATSAPP_PHONE_NUMBER_ID`.
    pub phone_number_id: Option<String>,
    /// `WHATSAPP_VERIFY_TOKEN`: answers the webhook verification handshake.
    pub verify_token: Option<SecretString>,
    /// `WHATSAPP_APP_SECRET`: HMAC key of `X-Hub-Signature-256`.
    pub app_secret: Option<SecretString>,
}

/// Exotel click-to-call and SMS; without credentials the feature self-disables (503).
#[derive(Clone)]
pub struct ExotelConfig {
    /// `EXOTEL_API_BASE`: API base URL (default `https://<EXOTEL_SUBDOMAIN>`; overridable for tests).
    pub api_base: String,
    /// `EXOTEL_SID`: account SID.
    pub sid: Option<String>,
    /// `EXOTEL_API_KEY`.
    pub api_key: Option<String>,
    /// `EXOTEL_API_TOKEN`.
    pub api_token: Option<SecretString>,
    /// `EXOTEL_CALLER_ID`: the ExoPhone calls and SMS come from.
    pub caller_id: Option<String>,
    /// `EXOTEL_WEBHOOK_TOKEN`: shared secret guarding the status callbacks.
    pub webhook_token: Option<SecretString>,
}

/// Razorpay (token and course payments); without keys purchases fail closed (503).
#[derive(Clone)]
pub struct RazorpayConfig {
    /// `RAZORPAY_API_BASE`: API base URL (default `https://api.razorpay.com`; tests use wiremock).
    pub api_base: String,
    /// `RAZORPAY_KEY_ID`: the public key id, also handed to the checkout.
    pub key_id: Option<String>,
    /// `RAZORPAY_KEY_SECRET`: API secret; also the HMAC key of checkout signatures.
    pub key_secret: Option<SecretString>,
    /// `RAZORPAY_WEBHOOK_SECRET`: HMAC key of `X-Razorpay-Signature` on webhooks.
    pub webhook_secret: Option<SecretString>,
}

impl RazorpayConfig {
    /// Whether orders can be created and checkouts verified.
    pub fn configured(&self) -> bool {
        self.key_id.is_some() && self.key_secret.is_some()
    }
}

impl ExotelConfig {
    /// Whether calls and SMS can be placed.
    pub fn configured(&self) -> bool {
        self.sid.is_some()
            && self.api_key.is_some()
            && self.api_token.is_some()
            && self.caller_id.is_some()
    }
}

impl WhatsAppConfig {
    /// Whether messages can be sent.
    pub fn configured(&self) -> bool {
        self.access_token.is_some() && self.phone_number_id.is_some()
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
            .field("smtp_configured", &self.email.smtp_configured())
            .field("s3_bucket", &self.storage.s3_bucket)
            .field("whatsapp_configured", &self.whatsapp.configured())
            .field("exotel_configured", &self.exotel.configured())
            .field("razorpay_configured", &self.razorpay.configured())
            .field("access_token_ttl", &self.auth.access_token_ttl)
            .field("admin_email", &self.auth.admin_email)
            .field("seed_sales_users", &self.auth.seed_sales_users)
            .field("realtime", &self.realtime)
            .field("google_configured", &self.google.configured())
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

/// Values published in examples and documentation (the k8s example, old `.env` files): refused
/// in production, whatever their length.
const EXAMPLE_SECRETS: &[&str] = &[DEV_JWT_SECRET, "change-me-to-at-least-32-random-characters"];

/// Words that only example values contain.
const EXAMPLE_MARKERS: &[&str] = &[
    "change-me",
    "changeme",
    "change_me",
    "replace-me",
    "example",
    "placeholder",
    "your-secret",
    "development-only",
];

/// Least estimated entropy of a production secret, in bits (32 random hex characters are about
/// 124 by this estimate, 48 random bytes in base64 about 350).
pub const MIN_SECRET_BITS: f64 = 120.0;

/// The labels of the keys derived from `JWT_SECRET` with HKDF ([`Config::derived_key`]); each
/// purpose has its own key, and a new label version rotates one purpose alone.
pub mod labels {
    /// HMAC of stored one-time codes.
    pub const OTP_CODES: &str = "identity/otp-codes/v1";
    /// Signatures of the mentor's emailed action links.
    pub const ACTION_LINKS: &str = "mentorship/action-links/v1";
    /// Signatures of terminal relay tokens.
    pub const TERMINAL_TOKENS: &str = "realtime/terminal-tokens/v1";
    /// Default sealing key of stored Google refresh tokens (`GOOGLE_CALENDAR_TOKEN_KEY`).
    pub const GOOGLE_CALENDAR_SEAL: &str = "integrations/google-calendar-seal/v1";
    /// Default HMAC key of local signed URLs (`STORAGE_SIGNING_SECRET`).
    pub const STORAGE_SIGNED_URLS: &str = "storage/signed-urls/v1";
    /// Sealing key of the LLM providers' credentials stored by the admin (`ai_credentials`).
    pub const AI_CREDENTIALS_SEAL: &str = "integrations/ai-credentials-seal/v1";
}

/// The entropy of `secret` estimated from its characters: length times the Shannon entropy of
/// their distribution. Not a proof of randomness; it catches repeated, dictionary-like and
/// short values.
pub fn estimated_entropy_bits(secret: &str) -> f64 {
    let chars: Vec<char> = secret.chars().collect();
    if chars.is_empty() {
        return 0.0;
    }
    let mut counts = std::collections::HashMap::new();
    for c in &chars {
        *counts.entry(*c).or_insert(0usize) += 1;
    }
    let n = chars.len() as f64;
    let per_char: f64 = counts
        .values()
        .map(|&k| {
            let p = k as f64 / n;
            -p * p.log2()
        })
        .sum();
    per_char * n
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

/// Refuses example values and weak secrets (production only).
fn check_production_secret(name: &str, value: &str) -> Result<(), ConfigError> {
    let lower = value.to_ascii_lowercase();
    if EXAMPLE_SECRETS.contains(&value) || EXAMPLE_MARKERS.iter().any(|m| lower.contains(m)) {
        return Err(invalid(
            name,
            "is an example value; generate one, e.g. `openssl rand -base64 48`",
        ));
    }
    let bits = estimated_entropy_bits(value);
    if bits < MIN_SECRET_BITS {
        return Err(invalid(
            name,
            format!(
                "is too weak for production (about {bits:.0} bits, at least {MIN_SECRET_BITS:.0}); \
                 use e.g. `openssl rand -base64 48`"
            ),
        ));
    }
    Ok(())
}

impl Config {
    /// The 32-byte key of one purpose (a [`labels`] constant), derived from `JWT_SECRET` with
    /// HKDF-SHA256: no purpose signs with the JWT secret itself.
    pub fn derived_key(&self, label: &str) -> [u8; 32] {
        crate::crypto::derive_key(self.jwt_secret.expose_secret().as_bytes(), label)
    }

    /// Reads the process environment, loading `.env` first unless `APP_ENV=production`.
    pub fn from_env() -> Result<Self, ConfigError> {
        let production = std::env::var("APP_ENV").is_ok_and(|v| v == "production");
        if !production {
            // A missing .env is normal; a malformed one is reported by the load itself.
            let _ = dotenvy::dotenv();
        }
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Builds the configuration from any variable lookup (the environment, or a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let env = Env { lookup: &lookup };
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
        let public_base_url = env
            .get("PUBLIC_BASE_URL")
            .unwrap_or_else(|| "http://localhost:8000".into())
            .trim_end_matches('/')
            .to_owned();
        let seed_sales_users = match env.secret("SEED_SALES_USERS")? {
            None => Vec::new(),
            Some(raw) => serde_json::from_str(raw.expose_secret()).map_err(|e| {
                invalid(
                    "SEED_SALES_USERS",
                    format!("expected a JSON array of {{email, full_name, password?, platform?, capabilities?}}: {e}"),
                )
            })?,
        };
        let defaults = RateLimits {
            login_ip: RateLimit::per(30, 300),
            login_account: RateLimit::per(10, 900),
            signup_ip: RateLimit::per(20, 3600),
            otp_request_ip: RateLimit::per(20, 3600),
            otp_request_account: RateLimit::per(5, 3600),
            otp_verify_ip: RateLimit::per(30, 300),
            otp_verify_account: RateLimit::per(10, 900),
            reset_ip: RateLimit::per(10, 3600),
            reset_account: RateLimit::per(3, 3600),
        };
        let rate_limits = RateLimits {
            login_ip: env.parse("RATE_LIMIT_LOGIN_IP", defaults.login_ip)?,
            login_account: env.parse("RATE_LIMIT_LOGIN_ACCOUNT", defaults.login_account)?,
            signup_ip: env.parse("RATE_LIMIT_SIGNUP_IP", defaults.signup_ip)?,
            otp_request_ip: env.parse("RATE_LIMIT_OTP_REQUEST_IP", defaults.otp_request_ip)?,
            otp_request_account: env.parse(
                "RATE_LIMIT_OTP_REQUEST_ACCOUNT",
                defaults.otp_request_account,
            )?,
            otp_verify_ip: env.parse("RATE_LIMIT_OTP_VERIFY_IP", defaults.otp_verify_ip)?,
            otp_verify_account: env
                .parse("RATE_LIMIT_OTP_VERIFY_ACCOUNT", defaults.otp_verify_account)?,
            reset_ip: env.parse("RATE_LIMIT_RESET_IP", defaults.reset_ip)?,
            reset_account: env.parse("RATE_LIMIT_RESET_ACCOUNT", defaults.reset_account)?,
        };
        let auth = AuthConfig {
            access_token_ttl: Duration::from_secs(env.parse("ACCESS_TOKEN_TTL_SECS", 900)?),
            refresh_token_ttl: Duration::from_secs(
                env.parse("REFRESH_TOKEN_TTL_SECS", 30 * 24 * 3600)?,
            ),
            user_cache_ttl: Duration::from_secs(env.parse("USER_CACHE_TTL_SECS", 5)?),
            argon2_memory_kib: env.parse("ARGON2_MEMORY_KIB", 19_456)?,
            argon2_iterations: env.parse("ARGON2_ITERATIONS", 2)?,
            argon2_parallelism: env.parse("ARGON2_PARALLELISM", 1)?,
            trusted_proxies: parse_proxies(env.get("TRUSTED_PROXIES").as_deref())?,
            rate_limits,
            otp_ttl: Duration::from_secs(env.parse("OTP_TTL_SECS", 600)?),
            otp_max_attempts: env.parse("OTP_MAX_ATTEMPTS", 5)?,
            otp_resend_interval: Duration::from_secs(env.parse("OTP_RESEND_SECS", 60)?),
            password_reset_ttl: Duration::from_secs(env.parse("PASSWORD_RESET_TTL_SECS", 3600)?),
            admin_email: env.get("ADMIN_EMAIL").map(|e| e.trim().to_lowercase()),
            admin_password: env.secret("ADMIN_PASSWORD")?,
            seed_sales_users,
        };
        if auth.admin_email.is_some() != auth.admin_password.is_some() {
            return Err(invalid(
                "ADMIN_EMAIL",
                "ADMIN_EMAIL and ADMIN_PASSWORD are set together or not at all",
            ));
        }
        let google = GoogleConfig {
            client_id: env.get("GOOGLE_CLIENT_ID"),
            client_secret: env.secret("GOOGLE_CLIENT_SECRET")?,
            redirect_uri: env
                .get("GOOGLE_REDIRECT_URI")
                .unwrap_or_else(|| format!("{public_base_url}/auth/google/callback")),
            auth_url: env
                .get("GOOGLE_AUTH_URL")
                .unwrap_or_else(|| "https://accounts.google.com/o/oauth2/v2/auth".into()),
            token_url: env
                .get("GOOGLE_TOKEN_URL")
                .unwrap_or_else(|| "https://oauth2.googleapis.com/token".into()),
            userinfo_url: env
                .get("GOOGLE_USERINFO_URL")
                .unwrap_or_else(|| "https://openidconnect.googleapis.com/v1/userinfo".into()),
            calendar_api_base: env
                .get("GOOGLE_CALENDAR_API_BASE")
                .unwrap_or_else(|| "https://www.googleapis.com/calendar/v3".into())
                .trim_end_matches('/')
                .to_owned(),
            calendar_redirect_uri: env
                .get("GOOGLE_CALENDAR_REDIRECT_URI")
                .unwrap_or_else(|| format!("{public_base_url}/api/google-calendar/callback")),
            calendar_token_key: env.secret("GOOGLE_CALENDAR_TOKEN_KEY")?.unwrap_or_else(|| {
                SecretString::from(hex::encode(crate::crypto::derive_key(
                    jwt_secret.expose_secret().as_bytes(),
                    labels::GOOGLE_CALENDAR_SEAL,
                )))
            }),
        };
        let realtime = RealtimeConfig {
            ping_interval: Duration::from_millis(env.parse("SOCKET_PING_INTERVAL_MS", 25_000)?),
            ping_timeout: Duration::from_millis(env.parse("SOCKET_PING_TIMEOUT_MS", 20_000)?),
            max_payload: env.parse("SOCKET_MAX_PAYLOAD_BYTES", 1_000_000)?,
            node_heartbeat: Duration::from_millis(env.parse("REALTIME_HEARTBEAT_MS", 2_000)?),
            node_ttl: Duration::from_millis(env.parse("REALTIME_NODE_TTL_MS", 6_000)?),
            terminal_max_frame: env.parse("TERMINAL_MAX_FRAME_BYTES", 64 * 1024)?,
            terminal_idle_timeout: Duration::from_secs(
                env.parse("TERMINAL_IDLE_TIMEOUT_SECS", 300)?,
            ),
        };
        if realtime.node_ttl <= realtime.node_heartbeat {
            return Err(invalid(
                "REALTIME_NODE_TTL_MS",
                "must be longer than REALTIME_HEARTBEAT_MS",
            ));
        }
        let config = Config {
            auth,
            google,
            realtime,
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
            public_base_url,
            email: EmailConfig {
                smtp_url: env.secret("SMTP_URL")?,
                host: env
                    .get("EMAIL_HOST")
                    .unwrap_or_else(|| "smtp.gmail.com".into()),
                port: env.parse("EMAIL_PORT", 465)?,
                user: env.get("EMAIL_USER"),
                pass: env.secret("EMAIL_PASS")?,
                from: env
                    .get("EMAIL_FROM")
                    .unwrap_or_else(|| "MAS <no-reply@myanalyticsschool.com>".into()),
                outbox_dir: env
                    .get("MAIL_OUTBOX_DIR")
                    .unwrap_or_else(|| "./data/mail".into())
                    .into(),
            },
            storage: StorageConfig {
                dir: env
                    .get("STORAGE_DIR")
                    .unwrap_or_else(|| "./data/storage".into())
                    .into(),
                s3_bucket: env.get("AWS_S3_BUCKET"),
                s3_region: env.get("AWS_REGION").unwrap_or_else(|| "ap-south-1".into()),
                s3_endpoint: env.get("AWS_S3_ENDPOINT"),
                s3_access_key_id: env.get("AWS_ACCESS_KEY_ID"),
                s3_secret_access_key: env.secret("AWS_SECRET_ACCESS_KEY")?,
                signing_secret: env.secret("STORAGE_SIGNING_SECRET")?.unwrap_or_else(|| {
                    SecretString::from(hex::encode(crate::crypto::derive_key(
                        jwt_secret.expose_secret().as_bytes(),
                        labels::STORAGE_SIGNED_URLS,
                    )))
                }),
                upload_max_bytes: env.parse("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)?,
                signed_url_ttl: Duration::from_secs(env.parse("SIGNED_URL_TTL_SECS", 900)?),
            },
            whatsapp: WhatsAppConfig {
                api_base: env
                    .get("WHATSAPP_API_BASE")
                    .unwrap_or_else(|| "https://graph.facebook.com/v21.0".into())
                    .trim_end_matches('/')
                    .to_owned(),
                access_token: env.secret("WHATSAPP_ACCESS_TOKEN")?,
                phone_number_id: env.get("WHATSAPP_PHONE_NUMBER_ID"),
                verify_token: env.secret("WHATSAPP_VERIFY_TOKEN")?,
                app_secret: env.secret("WHATSAPP_APP_SECRET")?,
            },
            exotel: ExotelConfig {
                api_base: env
                    .get("EXOTEL_API_BASE")
                    .unwrap_or_else(|| {
                        let host = env
                            .get("EXOTEL_SUBDOMAIN")
                            .unwrap_or_else(|| "api.exotel.com".into());
                        format!("https://{host}")
                    })
                    .trim_end_matches('/')
                    .to_owned(),
                sid: env.get("EXOTEL_SID"),
                api_key: env.get("EXOTEL_API_KEY"),
                api_token: env.secret("EXOTEL_API_TOKEN")?,
                caller_id: env.get("EXOTEL_CALLER_ID"),
                webhook_token: env.secret("EXOTEL_WEBHOOK_TOKEN")?,
            },
            allow_early_meeting_join: env
                .get("ALLOW_EARLY_MEETING_JOIN")
                .is_some_and(|v| matches!(v.as_str(), "true" | "1" | "yes")),
            meeting_join_buffer_minutes: env
                .get("MEETING_JOIN_BUFFER_MINUTES")
                .and_then(|v| v.parse().ok())
                .filter(|m: &i64| (0..=240).contains(m))
                .unwrap_or(10),
            razorpay: RazorpayConfig {
                api_base: env
                    .get("RAZORPAY_API_BASE")
                    .unwrap_or_else(|| "https://api.razorpay.com".into())
                    .trim_end_matches('/')
                    .to_owned(),
                key_id: env.get("RAZORPAY_KEY_ID"),
                key_secret: env.secret("RAZORPAY_KEY_SECRET")?,
                webhook_secret: env.secret("RAZORPAY_WEBHOOK_SECRET")?,
            },
            jwt_secret,
        };
        if production {
            config.check_production_secrets()?;
        }
        Ok(config)
    }

    /// Production refuses example and weak secrets ([`check_production_secret`]): the JWT
    /// secret (the development default is an example value), and the signing, sealing and
    /// scrape secrets as they are in force (a value derived from the JWT secret passes).
    fn check_production_secrets(&self) -> Result<(), ConfigError> {
        let secrets = [
            ("JWT_SECRET", Some(&self.jwt_secret)),
            ("STORAGE_SIGNING_SECRET", Some(&self.storage.signing_secret)),
            (
                "GOOGLE_CALENDAR_TOKEN_KEY",
                Some(&self.google.calendar_token_key),
            ),
            ("METRICS_TOKEN", self.metrics_token.as_ref()),
        ];
        for (name, secret) in secrets {
            if let Some(secret) = secret {
                check_production_secret(name, secret.expose_secret())?;
            }
        }
        Ok(())
    }

    /// The socket address string to bind.
    pub fn listen_addr(&self) -> (IpAddr, u16) {
        (self.host, self.port)
    }
}

fn invalid(name: &str, message: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        name: name.into(),
        message: message.into(),
    }
}

struct Env<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
}

impl Env<'_> {
    fn get(&self, name: &str) -> Option<String> {
        (self.lookup)(name).filter(|v| !v.is_empty())
    }

    fn secret(&self, name: &str) -> Result<Option<SecretString>, ConfigError> {
        if let Some(path) = self.get(&format!("{name}_FILE")) {
            let value = std::fs::read_to_string(&path).map_err(|source| ConfigError::File {
                name: name.into(),
                path: path.clone(),
                source,
            })?;
            return Ok(Some(SecretString::from(
                value.trim_end_matches(['\n', '\r']).to_owned(),
            )));
        }
        Ok(self.get(name).map(SecretString::from))
    }

    fn parse<T: FromStr>(&self, name: &str, default: T) -> Result<T, ConfigError>
    where
        T::Err: fmt::Display,
    {
        Ok(self.parse_opt(name)?.unwrap_or(default))
    }

    fn parse_opt<T: FromStr>(&self, name: &str) -> Result<Option<T>, ConfigError>
    where
        T::Err: fmt::Display,
    {
        self.get(name)
            .map(|raw| {
                raw.trim()
                    .parse::<T>()
                    .map_err(|e| invalid(name, e.to_string()))
            })
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn cfg(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
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
        // other secrets set in production are held to the same rule
        assert!(
            cfg(&[
                ("APP_ENV", "production"),
                ("JWT_SECRET", STRONG),
                (
                    "STORAGE_SIGNING_SECRET",
                    "change-me-to-at-least-32-random-characters"
                ),
            ])
            .is_err()
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
            c.storage.signing_secret.expose_secret(),
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
    fn auth_settings_parse_rate_limits_and_seed_users() {
        let c = cfg(&[]).unwrap();
        assert_eq!(c.auth.rate_limits.login_account, RateLimit::per(10, 900));
        assert_eq!(c.auth.access_token_ttl, Duration::from_secs(900));
        assert_eq!(
            c.google.redirect_uri,
            "http://localhost:8000/auth/google/callback"
        );
        assert!(!c.google.configured());
        assert_eq!(
            c.google.calendar_api_base,
            "https://www.googleapis.com/calendar/v3"
        );
        assert_eq!(
            c.google.calendar_redirect_uri,
            "http://localhost:8000/api/google-calendar/callback"
        );
        let c = cfg(&[
            ("RATE_LIMIT_LOGIN_IP", "3/60"),
            ("ADMIN_EMAIL", " Root@Example.com "),
            ("ADMIN_PASSWORD", "a-strong-password-1"),
            (
                "SEED_SALES_USERS",
                r#"[{"email":"s@example.com","full_name":"S","capabilities":["sales_head"]}]"#,
            ),
        ])
        .unwrap();
        assert_eq!(c.auth.rate_limits.login_ip, RateLimit::per(3, 60));
        assert_eq!(c.auth.admin_email.as_deref(), Some("root@example.com"));
        assert_eq!(c.auth.seed_sales_users.len(), 1);
        assert!(!format!("{c:?}").contains("a-strong-password-1"));
        assert!(cfg(&[("RATE_LIMIT_LOGIN_IP", "3")]).is_err());
        assert!(cfg(&[("RATE_LIMIT_LOGIN_IP", "0/60")]).is_err());
        assert!(cfg(&[("ADMIN_EMAIL", "a@b.c")]).is_err());
        assert!(cfg(&[("SEED_SALES_USERS", "{}")]).is_err());
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

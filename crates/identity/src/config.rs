//! Identity's own settings: sign-in (token lifetimes, password hashing, rate limits, emailed
//! codes and reset links, the seeded users) and Google sign-in. Read from the environment at
//! boot by [`IdentityConfig::from_env`]; the gateway hands them to [`crate::Identity`].

use std::{fmt, time::Duration};

use kernel::{
    auth::Capability,
    config::{ConfigError, Env, RateLimit, invalid},
};
use secrecy::{ExposeSecret, SecretString};

/// Identity's configuration section.
#[derive(Debug, Clone)]
pub struct IdentityConfig {
    /// Sign-in: token lifetimes, password hashing, rate limits, OTP, seeded users.
    pub auth: AuthConfig,
    /// Google sign-in (OAuth 2.0 authorization code flow with PKCE).
    pub google: GoogleConfig,
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
    /// `USER_CACHE_TTL_SECS`: how long a replica may serve a user's role, status and profile
    /// from its in-process copy and the Redis cache before reading again (changes invalidate
    /// both at once, other replicas through Redis pub/sub; ADR 0083). 0 disables both.
    pub user_cache_ttl: Duration,
    /// `ARGON2_MEMORY_KIB`: argon2id memory cost (default 19456, OWASP's minimum).
    pub argon2_memory_kib: u32,
    /// `ARGON2_ITERATIONS`: argon2id time cost (default 2).
    pub argon2_iterations: u32,
    /// `ARGON2_PARALLELISM`: argon2id lanes (default 1).
    pub argon2_parallelism: u32,
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

impl fmt::Debug for AuthConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthConfig")
            .field("access_token_ttl", &self.access_token_ttl)
            .field("refresh_token_ttl", &self.refresh_token_ttl)
            .field("user_cache_ttl", &self.user_cache_ttl)
            .field("rate_limits", &self.rate_limits)
            .field("admin_email", &self.admin_email)
            .field("seed_sales_users", &self.seed_sales_users)
            .finish_non_exhaustive()
    }
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
    pub capabilities: Vec<Capability>,
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
}

impl GoogleConfig {
    /// Whether sign-in with Google can run.
    pub fn configured(&self) -> bool {
        self.client_id.is_some() && self.client_secret.is_some()
    }
}

impl fmt::Debug for GoogleConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GoogleConfig")
            .field("client_id", &self.client_id)
            .field("configured", &self.configured())
            .field("redirect_uri", &self.redirect_uri)
            .finish_non_exhaustive()
    }
}

impl IdentityConfig {
    /// Reads the section; `base` gives `PUBLIC_BASE_URL` (the default redirect URI).
    pub fn from_env(env: &Env<'_>, base: &kernel::Config) -> Result<Self, ConfigError> {
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
        let public_base_url = &base.public_base_url;
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
        };
        Ok(Self { auth, google })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(pairs: &[(&str, &str)]) -> Result<IdentityConfig, ConfigError> {
        let env = Env::from_pairs(pairs);
        let base = kernel::Config::read(&env)?;
        IdentityConfig::from_env(&env, &base)
    }

    #[test]
    fn defaults_match_the_contract() {
        let c = cfg(&[]).unwrap();
        assert_eq!(c.auth.rate_limits.login_account, RateLimit::per(10, 900));
        assert_eq!(c.auth.access_token_ttl, Duration::from_secs(900));
        assert_eq!(
            c.auth.refresh_token_ttl,
            Duration::from_secs(30 * 24 * 3600)
        );
        assert_eq!(c.auth.argon2_memory_kib, 19_456);
        assert!(c.auth.admin_email.is_none() && c.auth.seed_sales_users.is_empty());
        assert_eq!(
            c.google.redirect_uri,
            "http://localhost:8000/auth/google/callback"
        );
        assert!(!c.google.configured());
        let c = cfg(&[("PUBLIC_BASE_URL", "https://mas.example/")]).unwrap();
        assert_eq!(
            c.google.redirect_uri,
            "https://mas.example/auth/google/callback"
        );
    }

    #[test]
    fn rate_limits_and_seed_users_parse_and_secrets_never_print() {
        let c = cfg(&[
            ("RATE_LIMIT_LOGIN_IP", "3/60"),
            ("ADMIN_EMAIL", " Root@Example.com "),
            ("ADMIN_PASSWORD", "a-strong-password-1"),
            ("GOOGLE_CLIENT_ID", "client-1"),
            ("GOOGLE_CLIENT_SECRET", "google-secret-2"),
            (
                "SEED_SALES_USERS",
                r#"[{"email":"s@example.com","full_name":"S","password":"seed-password-3","capabilities":["sales_head"]}]"#,
            ),
        ])
        .unwrap();
        assert_eq!(c.auth.rate_limits.login_ip, RateLimit::per(3, 60));
        assert_eq!(c.auth.admin_email.as_deref(), Some("root@example.com"));
        assert_eq!(c.auth.seed_sales_users.len(), 1);
        assert!(c.google.configured());
        let printed = format!("{c:?}");
        for secret in ["a-strong-password-1", "google-secret-2", "seed-password-3"] {
            assert!(!printed.contains(secret), "{printed}");
        }
    }

    #[test]
    fn bad_values_name_the_variable() {
        let err = |pairs: &[(&str, &str)]| cfg(pairs).unwrap_err().to_string();
        assert!(err(&[("RATE_LIMIT_LOGIN_IP", "3")]).starts_with("RATE_LIMIT_LOGIN_IP:"));
        assert!(err(&[("RATE_LIMIT_LOGIN_IP", "0/60")]).starts_with("RATE_LIMIT_LOGIN_IP:"));
        assert!(err(&[("ACCESS_TOKEN_TTL_SECS", "soon")]).starts_with("ACCESS_TOKEN_TTL_SECS:"));
        assert!(err(&[("ADMIN_EMAIL", "a@b.c")]).starts_with("ADMIN_EMAIL:"));
        assert!(err(&[("SEED_SALES_USERS", "{}")]).starts_with("SEED_SALES_USERS:"));
    }
}

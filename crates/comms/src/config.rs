//! Comms' own settings: email delivery, the WhatsApp Cloud API and Exotel telephony. Read at
//! boot by [`CommsConfig::from_env`]; a provider without credentials self-disables.

use std::{fmt, path::PathBuf};

use kernel::config::{ConfigError, Env, redact_url};
use secrecy::{ExposeSecret, SecretString};

/// Comms' configuration section.
#[derive(Debug, Clone)]
pub struct CommsConfig {
    /// Email delivery.
    pub email: EmailConfig,
    /// WhatsApp Cloud API.
    pub whatsapp: WhatsAppConfig,
    /// Exotel telephony.
    pub exotel: ExotelConfig,
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

impl fmt::Debug for EmailConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmailConfig")
            .field(
                "smtp_url",
                &self
                    .smtp_url
                    .as_ref()
                    .map(|u| redact_url(u.expose_secret())),
            )
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.user)
            .field("from", &self.from)
            .field("outbox_dir", &self.outbox_dir)
            .finish_non_exhaustive()
    }
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

impl WhatsAppConfig {
    /// Whether messages can be sent.
    pub fn configured(&self) -> bool {
        self.access_token.is_some() && self.phone_number_id.is_some()
    }
}

impl fmt::Debug for WhatsAppConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WhatsAppConfig")
            .field("api_base", &self.api_base)
            .field("phone_number_id", &self.phone_number_id)
            .field("configured", &self.configured())
            .finish_non_exhaustive()
    }
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

impl ExotelConfig {
    /// Whether calls and SMS can be placed.
    pub fn configured(&self) -> bool {
        self.sid.is_some()
            && self.api_key.is_some()
            && self.api_token.is_some()
            && self.caller_id.is_some()
    }
}

impl fmt::Debug for ExotelConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExotelConfig")
            .field("api_base", &self.api_base)
            .field("sid", &self.sid)
            .field("caller_id", &self.caller_id)
            .field("configured", &self.configured())
            .finish_non_exhaustive()
    }
}

impl CommsConfig {
    /// Reads the section (`base` is unused today: comms has no derived secrets, and
    /// `PUBLIC_BASE_URL` reaches the clients when [`crate::Comms`] is built).
    pub fn from_env(env: &Env<'_>, _base: &kernel::Config) -> Result<Self, ConfigError> {
        Ok(Self {
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
            whatsapp: WhatsAppConfig {
                api_base: env.url("WHATSAPP_API_BASE", "https://graph.facebook.com/v21.0"),
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
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(pairs: &[(&str, &str)]) -> Result<CommsConfig, ConfigError> {
        let env = Env::from_pairs(pairs);
        let base = kernel::Config::read(&env)?;
        CommsConfig::from_env(&env, &base)
    }

    #[test]
    fn defaults_match_the_contract() {
        let c = cfg(&[]).unwrap();
        assert_eq!(c.email.host, "smtp.gmail.com");
        assert_eq!(c.email.port, 465);
        assert_eq!(c.email.outbox_dir, PathBuf::from("./data/mail"));
        assert!(!c.email.smtp_configured());
        assert_eq!(c.whatsapp.api_base, "https://graph.facebook.com/v21.0");
        assert!(!c.whatsapp.configured());
        assert_eq!(c.exotel.api_base, "https://api.exotel.com");
        assert!(!c.exotel.configured());
        let c = cfg(&[
            ("EXOTEL_SUBDOMAIN", "api.in.exotel.com"),
            ("WHATSAPP_API_BASE", "http://127.0.0.1:9/"),
        ])
        .unwrap();
        assert_eq!(c.exotel.api_base, "https://api.in.exotel.com");
        assert_eq!(c.whatsapp.api_base, "http://127.0.0.1:9");
    }

    #[test]
    fn bad_values_name_the_variable() {
        let err = cfg(&[("EMAIL_PORT", "smtp")]).unwrap_err().to_string();
        assert!(err.starts_with("EMAIL_PORT:"), "{err}");
    }

    #[test]
    fn secrets_never_print() {
        let c = cfg(&[
            ("SMTP_URL", "smtps://mailer:hunter2@smtp.example:465"),
            ("EMAIL_USER", "mailer@example.com"),
            ("EMAIL_PASS", "app-password-123"),
            ("WHATSAPP_ACCESS_TOKEN", "wa-token-789"),
            ("WHATSAPP_PHONE_NUMBER_ID", "1055"),
            ("WHATSAPP_APP_SECRET", "wa-app-secret-1"),
            ("EXOTEL_API_TOKEN", "exo-token-456"),
            ("EXOTEL_WEBHOOK_TOKEN", "exo-hook-2"),
        ])
        .unwrap();
        assert!(c.email.smtp_configured() && c.whatsapp.configured());
        let printed = format!("{c:?}");
        for secret in [
            "hunter2",
            "app-password-123",
            "wa-token-789",
            "wa-app-secret-1",
            "exo-token-456",
            "exo-hook-2",
        ] {
            assert!(!printed.contains(secret), "{printed}");
        }
        assert!(
            printed.contains("smtps://mailer:***@smtp.example:465"),
            "{printed}"
        );
    }
}

//! The mailer: SMTP (lettre, pooled) when `SMTP_URL` or `EMAIL_USER`/`EMAIL_PASS` is set,
//! otherwise one `.eml` file per message in `MAIL_OUTBOX_DIR` (created on first use), so development and tests need
//! no mail server. SMTP failures are classified for the job runner: authentication (535),
//! 4xx and connection trouble retry; other 5xx answers (unknown mailbox…) do not.

use std::{path::PathBuf, sync::Arc, time::Duration};

use anyhow::Context;
use kernel::config::redact_url;
use lettre::{
    Address, AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Attachment as LettreAttachment, Mailbox, MultiPart, header::ContentType},
    transport::smtp::{
        authentication::{Credentials, Mechanism},
        client::{Tls, TlsParameters},
    },
};
use secrecy::ExposeSecret;

use super::templates::Rendered;
use crate::config::EmailConfig;

/// How long one SMTP command may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

/// Why a message was not sent.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The recipient is not an email address (retrying cannot help).
    #[error("invalid recipient address {0:?}")]
    InvalidAddress(String),
    /// The server refused the message for good (5xx other than authentication).
    #[error("{0}")]
    Rejected(String),
    /// Worth retrying: connection trouble, 4xx, rejected credentials (535: rotate the app
    /// password, then the retry succeeds), or a failed outbox write.
    #[error("{0}")]
    Transient(String),
}

/// A file attached to an email (an invoice PDF). Built by the job handler at send time from
/// ids in the job, never carried in the job itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The file name the recipient sees (`MM-26-27-00001.pdf`).
    pub filename: String,
    /// Its MIME type (`application/pdf`).
    pub content_type: String,
    /// The bytes.
    pub body: Vec<u8>,
}

/// Sends rendered emails. Cheap to clone.
#[derive(Clone)]
pub struct Mailer {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Transport,
    from: Mailbox,
    base_url: String,
    description: String,
}

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Outbox {
        dir: PathBuf,
        files: AsyncFileTransport<Tokio1Executor>,
    },
}

impl Mailer {
    /// SMTP when configured, else the outbox directory (created if missing); links in
    /// messages point at `public_base_url`.
    pub fn from_config(email: &EmailConfig, public_base_url: &str) -> anyhow::Result<Self> {
        let from: Mailbox = email
            .from
            .parse()
            .with_context(|| format!("EMAIL_FROM {:?} is not a mailbox", email.from))?;
        let (transport, description) = if let Some(url) = &email.smtp_url {
            let url = url.expose_secret();
            let description = redact_url(url);
            let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                .map_err(|e| anyhow::anyhow!("SMTP_URL {description}: {e}"))?
                .timeout(Some(SMTP_TIMEOUT))
                .build();
            (Transport::Smtp(transport), description)
        } else if let (Some(user), Some(pass)) = (&email.user, &email.pass) {
            let host = email.host.as_str();
            let (tls, mode) = match email.port {
                465 => (Tls::Wrapper(tls_parameters(host)?), "implicit TLS"),
                587 => (Tls::Required(tls_parameters(host)?), "STARTTLS"),
                _ => (
                    Tls::Opportunistic(tls_parameters(host)?),
                    "opportunistic STARTTLS",
                ),
            };
            let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
                .port(email.port)
                .tls(tls)
                .credentials(Credentials::new(
                    user.clone(),
                    pass.expose_secret().to_owned(),
                ))
                .authentication(vec![Mechanism::Plain, Mechanism::Login])
                .timeout(Some(SMTP_TIMEOUT))
                .build();
            (
                Transport::Smtp(transport),
                format!("smtp://{user}@{host}:{} ({mode})", email.port),
            )
        } else {
            return Self::outbox(email.outbox_dir.clone(), from, public_base_url);
        };
        Ok(Self {
            inner: Arc::new(Inner {
                transport,
                from,
                base_url: public_base_url.to_owned(),
                description,
            }),
        })
    }

    /// A mailer writing `.eml` files into `dir`, created when the first message is written
    /// (so a process that never sends mail leaves no directory behind).
    pub fn outbox(dir: PathBuf, from: Mailbox, base_url: &str) -> anyhow::Result<Self> {
        let files = AsyncFileTransport::<Tokio1Executor>::new(&dir);
        Ok(Self {
            inner: Arc::new(Inner {
                description: format!("outbox {}", dir.display()),
                transport: Transport::Outbox { dir, files },
                from,
                base_url: base_url.to_owned(),
            }),
        })
    }

    /// Where mail goes, for logs (the password is never included).
    pub fn describe(&self) -> &str {
        &self.inner.description
    }

    /// Whether mail goes to an SMTP server (not the outbox directory).
    pub fn is_smtp(&self) -> bool {
        matches!(self.inner.transport, Transport::Smtp(_))
    }

    /// `PUBLIC_BASE_URL`, for links built from tokens.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Sends `email` to `to`, From the configured address under the brand's name.
    pub async fn send(&self, to: &str, email: &Rendered) -> Result<(), SendError> {
        self.send_with(to, email, &[]).await
    }

    /// Like [`Mailer::send`], with files attached (`multipart/mixed`: the text and HTML
    /// alternatives first, then each attachment). An unusable content type is refused for
    /// good.
    pub async fn send_with(
        &self,
        to: &str,
        email: &Rendered,
        attachments: &[Attachment],
    ) -> Result<(), SendError> {
        let address: Address = to
            .trim()
            .parse()
            .map_err(|_| SendError::InvalidAddress(to.to_owned()))?;
        let from = Mailbox::new(
            Some(email.brand.name.clone()),
            self.inner.from.email.clone(),
        );
        let body = MultiPart::alternative_plain_html(email.text.clone(), email.html.clone());
        let body = if attachments.is_empty() {
            body
        } else {
            let mut mixed = MultiPart::mixed().multipart(body);
            for a in attachments {
                let content_type = ContentType::parse(&a.content_type).map_err(|e| {
                    SendError::Rejected(format!(
                        "attachment content type {:?}: {e}",
                        a.content_type
                    ))
                })?;
                mixed = mixed.singlepart(
                    LettreAttachment::new(a.filename.clone()).body(a.body.clone(), content_type),
                );
            }
            mixed
        };
        let message = Message::builder()
            .from(from)
            .to(Mailbox::new(None, address))
            .subject(email.subject.clone())
            .multipart(body)
            .map_err(|e| SendError::Rejected(format!("building the message: {e}")))?;
        match &self.inner.transport {
            Transport::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(drop)
                .map_err(|e| classify(&self.inner.description, &e)),
            Transport::Outbox { dir, files } => {
                tokio::fs::create_dir_all(dir).await.map_err(|e| {
                    SendError::Transient(format!("creating {}: {e}", dir.display()))
                })?;
                files
                    .send(message)
                    .await
                    .map(drop)
                    .map_err(|e| SendError::Transient(format!("writing to {}: {e}", dir.display())))
            }
        }
    }
}

fn tls_parameters(host: &str) -> anyhow::Result<TlsParameters> {
    TlsParameters::new(host.to_owned()).with_context(|| format!("TLS parameters for {host}"))
}

/// Authentication failures (53x) retry like 4xx and connection trouble; any other 5xx
/// (unknown mailbox, policy rejection) is permanent.
fn classify(description: &str, err: &lettre::transport::smtp::Error) -> SendError {
    let message = format!("SMTP {description}: {err}");
    let code = err.status().map(|c| c.to_string());
    let auth = code.as_deref().is_some_and(|c| c.starts_with("53"));
    if err.is_permanent() && !auth {
        SendError::Rejected(message)
    } else {
        SendError::Transient(message)
    }
}

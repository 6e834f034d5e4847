//! Leegality (e-signing of the CRM's PAP / MOU agreements, ADR 0067): the configuration
//! section (`LEEGALITY_*`) and the client: send a PDF for signing, read a document's status,
//! download the signed PDF, and check a webhook's signature. The auth token goes to Leegality
//! only (`X-Auth-Token`), never into a log or an error. Without `LEEGALITY_AUTH_TOKEN` there
//! is no client and the agreement routes answer 503 `provider_not_configured`.

use base64::Engine as _;
use kernel::config::{ConfigError, Env};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use crate::provider::{ProviderError, read_json};

/// Name of the provider in errors.
pub const PROVIDER: &str = "Leegality";

/// Largest signed PDF accepted from Leegality (20 MiB).
pub const MAX_SIGNED_PDF_BYTES: usize = 20 * 1024 * 1024;

/// The Leegality section (`LEEGALITY_*`).
#[derive(Clone)]
pub struct LeegalityConfig {
    /// `LEEGALITY_BASE_URL`: API base URL (default `https://app1.leegality.com`; tests use
    /// wiremock).
    pub base_url: String,
    /// `LEEGALITY_AUTH_TOKEN` (or `_FILE`): the account's API token.
    pub auth_token: Option<SecretString>,
    /// `LEEGALITY_WEBHOOK_SECRET` (or `_FILE`): HMAC-SHA256 key of `X-Leegality-Signature`
    /// on webhook deliveries; without it every delivery is refused.
    pub webhook_secret: Option<SecretString>,
}

impl std::fmt::Debug for LeegalityConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeegalityConfig")
            .field("base_url", &self.base_url)
            .field("auth_token_set", &self.auth_token.is_some())
            .field("webhook_secret_set", &self.webhook_secret.is_some())
            .finish()
    }
}

impl LeegalityConfig {
    /// Reads `LEEGALITY_*`.
    pub fn from_env(env: &Env<'_>) -> Result<Self, ConfigError> {
        Ok(Self {
            base_url: env.http_url("LEEGALITY_BASE_URL", "https://app1.leegality.com")?,
            auth_token: env.secret("LEEGALITY_AUTH_TOKEN")?,
            webhook_secret: env.secret("LEEGALITY_WEBHOOK_SECRET")?,
        })
    }
}

/// The signer of a document.
#[derive(Debug, Clone)]
pub struct Invitee {
    /// Name.
    pub name: String,
    /// Email, when known.
    pub email: Option<String>,
    /// Phone (E.164).
    pub phone: String,
}

/// A document sent for signing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentDocument {
    /// Leegality's document id.
    pub document_id: String,
    /// The signer's link, when Leegality gave one.
    pub signing_url: Option<String>,
}

/// Where a document stands at Leegality.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentStatus {
    /// Every invitee signed.
    Signed,
    /// An invitee declined.
    Declined,
    /// The signing window passed.
    Expired,
    /// Still waiting for a signature.
    Pending,
}

impl DocumentStatus {
    /// Reads Leegality's status word (`COMPLETED`, `SIGNED`, `DECLINED`, `REJECTED`,
    /// `EXPIRED`, anything else: pending); case-insensitive.
    pub fn parse(word: &str) -> Self {
        match word.trim().to_ascii_lowercase().as_str() {
            "completed" | "signed" | "document.completed" | "document_completed" => Self::Signed,
            "declined" | "rejected" | "document.declined" => Self::Declined,
            "expired" | "document.expired" => Self::Expired,
            _ => Self::Pending,
        }
    }
}

/// The Leegality client of a deployment with a token.
#[derive(Clone)]
pub struct Leegality {
    http: reqwest::Client,
    base_url: String,
    auth_token: SecretString,
    webhook_secret: Option<SecretString>,
}

impl std::fmt::Debug for Leegality {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Leegality")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

fn body_error(message: impl Into<String>) -> ProviderError {
    ProviderError::Body {
        provider: PROVIDER,
        message: message.into(),
    }
}

/// Leegality answers 200 with `status: 0` and `messages` on a refusal.
fn check(body: Value) -> Result<Value, ProviderError> {
    if body["status"].as_i64() == Some(0) {
        let message = body["messages"]
            .as_array()
            .and_then(|m| m.first())
            .and_then(|m| m["message"].as_str().or_else(|| m.as_str()))
            .unwrap_or("refused")
            .to_owned();
        return Err(ProviderError::Status {
            provider: PROVIDER,
            status: 422,
            message,
        });
    }
    Ok(body)
}

impl Leegality {
    /// The client, when the deployment has a token.
    pub fn from_config(config: &LeegalityConfig, http: reqwest::Client) -> Option<Self> {
        Some(Self {
            http,
            base_url: config.base_url.clone(),
            auth_token: config.auth_token.clone()?,
            webhook_secret: config.webhook_secret.clone(),
        })
    }

    /// Sends `pdf` for signing by `invitee`; `reference` (our agreement id) is Leegality's
    /// `irn`, so a document is traceable to its agreement.
    pub async fn send(
        &self,
        file_name: &str,
        pdf: &[u8],
        invitee: &Invitee,
        reference: &str,
    ) -> Result<SentDocument, ProviderError> {
        let body = json!({
            "file": {
                "name": file_name,
                "file": base64::engine::general_purpose::STANDARD.encode(pdf),
            },
            "invitees": [{
                "name": invitee.name,
                "email": invitee.email,
                "phone": invitee.phone,
            }],
            "irn": reference,
        });
        let res = self
            .http
            .post(format!("{}/api/v3.0/sign/request", self.base_url))
            .header("X-Auth-Token", self.auth_token.expose_secret())
            .json(&body)
            .send()
            .await
            .map_err(|e| ProviderError::transport(PROVIDER, e))?;
        let body = check(read_json(PROVIDER, res, "/messages/0/message").await?)?;
        let document_id = body
            .pointer("/data/documentId")
            .and_then(Value::as_str)
            .filter(|id| !id.is_empty() && id.len() <= 200)
            .ok_or_else(|| body_error("no data.documentId"))?
            .to_owned();
        let signing_url = body
            .pointer("/data/invitees/0/signUrl")
            .and_then(Value::as_str)
            .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
            .map(str::to_owned);
        Ok(SentDocument {
            document_id,
            signing_url,
        })
    }

    /// The document's status.
    pub async fn status(&self, document_id: &str) -> Result<DocumentStatus, ProviderError> {
        let res = self
            .http
            .get(format!("{}/api/v3.1/document/details", self.base_url))
            .query(&[("documentId", document_id)])
            .header("X-Auth-Token", self.auth_token.expose_secret())
            .send()
            .await
            .map_err(|e| ProviderError::transport(PROVIDER, e))?;
        let body = check(read_json(PROVIDER, res, "/messages/0/message").await?)?;
        let word = body
            .pointer("/data/status")
            .and_then(Value::as_str)
            .ok_or_else(|| body_error("no data.status"))?;
        Ok(DocumentStatus::parse(word))
    }

    /// The signed PDF (the first file of the document, base64 in `data.files`).
    pub async fn signed_pdf(&self, document_id: &str) -> Result<Vec<u8>, ProviderError> {
        let res = self
            .http
            .get(format!("{}/api/v3.0/document/download", self.base_url))
            .query(&[("documentId", document_id)])
            .header("X-Auth-Token", self.auth_token.expose_secret())
            .send()
            .await
            .map_err(|e| ProviderError::transport(PROVIDER, e))?;
        let body = check(read_json(PROVIDER, res, "/messages/0/message").await?)?;
        let encoded = body
            .pointer("/data/files/0")
            .and_then(|f| f.as_str().or_else(|| f["file"].as_str()))
            .ok_or_else(|| body_error("no data.files[0]"))?;
        if encoded.len() > MAX_SIGNED_PDF_BYTES / 3 * 4 + 4 {
            return Err(body_error("the signed PDF is larger than 20 MiB"));
        }
        let pdf = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .map_err(|_| body_error("data.files[0] is not base64"))?;
        if !pdf.starts_with(b"%PDF-") {
            return Err(body_error("data.files[0] is not a PDF"));
        }
        Ok(pdf)
    }

    /// Whether `X-Leegality-Signature` is the hex HMAC-SHA256 of the raw webhook body under
    /// the webhook secret (constant time); always false without a secret.
    pub fn verify_webhook(&self, body: &[u8], signature: &str) -> bool {
        self.webhook_secret.as_ref().is_some_and(|secret| {
            kernel::crypto::verify_hmac_sha256_hex(
                secret.expose_secret().as_bytes(),
                body,
                signature,
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_parse_and_the_config_hides_secrets() {
        assert_eq!(DocumentStatus::parse("COMPLETED"), DocumentStatus::Signed);
        assert_eq!(DocumentStatus::parse("Declined"), DocumentStatus::Declined);
        assert_eq!(DocumentStatus::parse("EXPIRED"), DocumentStatus::Expired);
        assert_eq!(DocumentStatus::parse("SENT"), DocumentStatus::Pending);
        let config = LeegalityConfig::from_env(&Env::from_pairs(&[
            ("LEEGALITY_AUTH_TOKEN", "tok-secret"),
            ("LEEGALITY_WEBHOOK_SECRET", "hook-secret"),
        ]))
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config.base_url, "https://app1.leegality.com");
        let shown = format!("{config:?}");
        assert!(!shown.contains("tok-secret") && !shown.contains("hook-secret"));
        let client = Leegality::from_config(&config, reqwest::Client::new())
            .unwrap_or_else(|| panic!("a client"));
        let sig = kernel::crypto::hmac_sha256_hex(b"hook-secret", b"{}");
        assert!(client.verify_webhook(b"{}", &sig));
        assert!(!client.verify_webhook(b"{ }", &sig));
        assert!(!client.verify_webhook(b"{}", "zz"));
    }
}

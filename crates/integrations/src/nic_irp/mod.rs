//! The NIC IRP's API (e-invoice API v1.03 with the v1.04 login; ADR 0080), as a GSP passes it
//! through or as the IRP serves direct-access taxpayers. Every call carries `client_id`,
//! `client_secret` and `gstin`; every call after the login also `user_name` and `AuthToken`.
//!
//! - Login, `POST /eivital/v1.04/auth`: `{"Data": base64(RSA-PKCS#1-v1.5(base64(json)))}` of
//!   `{UserName, Password, AppKey, ForceRefreshAccessToken}` under the IRP's public key, with
//!   a fresh random 32-byte `AppKey`; the answer's `AuthToken`, `Sek` (the session key,
//!   AES-256-ECB under the `AppKey`) and `TokenExpiry` (IST) make a session, kept sealed in
//!   Redis per GSTIN until shortly before it expires.
//! - Calls: the payload as `{"Data": base64(AES-256-ECB(json, Sek))}`; the answer
//!   `{Status, Data, ErrorDetails, InfoDtls}` with `Data` under the `Sek` when `Status` is 1.
//!   HTTP 401/403 or error 1005 (invalid token) log in again with `ForceRefreshAccessToken` and
//!   repeat the call once.
//! - Generate IRN, `POST /eicore/v1.03/Invoice`; error 2150 (duplicate IRN: the document was
//!   registered before, e.g. our first answer was lost) is answered from
//!   `GET /eicore/v1.03/Invoice/irnbydocdetails?doctype=&docnum=&docdate=`. Cancel,
//!   `POST /eicore/v1.03/Invoice/Cancel`.
//!
//! Nothing secret is logged: not the password, the keys, the token or the payloads.

pub mod crypto;

use std::{sync::Arc, time::Duration};

use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use kernel::redis::RedisPool;
use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::google_calendar::TokenSeal;

/// The label of the key (derived from `JWT_SECRET`) that seals cached IRP sessions in Redis.
pub const SESSION_SEAL_LABEL: &str = "integrations/nic-irp-session-seal/v1";

/// The login path.
pub const AUTH_PATH: &str = "/eivital/v1.04/auth";
/// The IRN path.
pub const INVOICE_PATH: &str = "/eicore/v1.03/Invoice";
/// The IRN by document path.
pub const BY_DOC_PATH: &str = "/eicore/v1.03/Invoice/irnbydocdetails";
/// The cancellation path.
pub const CANCEL_PATH: &str = "/eicore/v1.03/Invoice/Cancel";

/// A session is renewed this long before the IRP's `TokenExpiry`.
const MARGIN: chrono::Duration = chrono::Duration::minutes(2);

/// What the client needs: where the IRP is and the API user's credentials.
#[derive(Clone)]
pub struct NicIrpConfig {
    /// The IRP's or GSP's base URL (no trailing slash).
    pub base_url: String,
    /// `client_id` header.
    pub client_id: SecretString,
    /// `client_secret` header.
    pub client_secret: SecretString,
    /// The API user name.
    pub username: String,
    /// The API user's password.
    pub password: SecretString,
    /// The IRP's public key (X.509 SubjectPublicKeyInfo DER).
    pub public_key_der: Vec<u8>,
}

impl std::fmt::Debug for NicIrpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NicIrpConfig")
            .field("base_url", &self.base_url)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// An error the IRP returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IrpErrorDetail {
    /// Its code (`2150` duplicate IRN, `1005` invalid token, ...).
    #[serde(rename = "ErrorCode", default, deserialize_with = "string_or_number")]
    pub code: String,
    /// Its message.
    #[serde(rename = "ErrorMessage", default)]
    pub message: String,
}

/// Why a call did not give an answer.
#[derive(Debug, thiserror::Error)]
pub enum IrpError {
    /// Unreachable, 5xx, 429, or the login failed: worth retrying later.
    #[error("IRP unavailable: {0}")]
    Transient(String),
    /// The IRP refused the document (its errors).
    #[error("IRP refused: {}", describe(.0))]
    Rejected(Vec<IrpErrorDetail>),
    /// The IRP refused our credentials or keys, or our envelope is broken.
    #[error("IRP login: {0}")]
    Auth(String),
}

/// `code: message; ...`.
pub fn describe(errors: &[IrpErrorDetail]) -> String {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.code, e.message))
        .collect::<Vec<_>>()
        .join("; ")
}

/// An IRN as the IRP gives it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct IrnDetails {
    /// The IRN (64 hex characters).
    #[serde(rename = "Irn")]
    pub irn: String,
    /// The acknowledgement number.
    #[serde(rename = "AckNo", deserialize_with = "string_or_number")]
    pub ack_no: String,
    /// The acknowledgement time, `yyyy-mm-dd hh:mm:ss` IST.
    #[serde(rename = "AckDt")]
    pub ack_dt: String,
    /// The signed invoice (a JWT).
    #[serde(rename = "SignedInvoice", default)]
    pub signed_invoice: Option<String>,
    /// The signed QR code (a JWT), printed on the invoice as a QR code.
    #[serde(rename = "SignedQRCode", default)]
    pub signed_qr: Option<String>,
}

fn string_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => s,
        Value::Null => String::new(),
        other => other.to_string(),
    })
}

/// A logged-in session.
#[derive(Clone, Serialize, Deserialize)]
struct Session {
    auth_token: String,
    /// base64 of the 32-byte session key.
    sek: String,
    expires_at: DateTime<Utc>,
}

/// The IRP's envelope.
#[derive(Debug, Deserialize)]
struct Envelope {
    #[serde(rename = "Status", default, deserialize_with = "string_or_number")]
    status: String,
    #[serde(rename = "Data", default)]
    data: Value,
    #[serde(rename = "ErrorDetails", default)]
    errors: Option<Vec<IrpErrorDetail>>,
}

/// The NIC IRP client. Cheap to clone.
#[derive(Clone)]
pub struct NicIrp {
    http: reqwest::Client,
    config: Arc<NicIrpConfig>,
    redis: RedisPool,
    redis_prefix: String,
    seal: Arc<TokenSeal>,
}

impl std::fmt::Debug for NicIrp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NicIrp")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// `yyyy-mm-dd hh:mm:ss` in IST (the IRP's format; a fixed +05:30) as UTC.
pub fn ist_time(s: &str) -> Option<DateTime<Utc>> {
    let naive = NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%d %H:%M:%S").ok()?;
    chrono::FixedOffset::east_opt(5 * 3600 + 1800)?
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

impl NicIrp {
    /// A client; sessions are cached under `ctx`'s Redis prefix, sealed with a key derived
    /// from `JWT_SECRET`.
    pub fn new(
        ctx: &kernel::AppContext,
        http: reqwest::Client,
        config: NicIrpConfig,
    ) -> anyhow::Result<Self> {
        let seal = TokenSeal::new(&ctx.config.derived_secret(SESSION_SEAL_LABEL))
            .map_err(anyhow::Error::new)?;
        Ok(Self {
            http,
            config: Arc::new(config),
            redis: ctx.redis.clone(),
            redis_prefix: ctx.redis_key(""),
            seal: Arc::new(seal),
        })
    }

    fn cache_key(&self, gstin: &str) -> String {
        format!("{}nic-irp:session:{gstin}", self.redis_prefix)
    }

    async fn cached(&self, gstin: &str) -> Option<Session> {
        let mut conn = self.redis.get().await.ok()?;
        let sealed: Option<String> = redis::cmd("GET")
            .arg(self.cache_key(gstin))
            .query_async(&mut *conn)
            .await
            .ok()?;
        let opened = self.seal.open(&sealed?, gstin).ok()?;
        let session: Session = serde_json::from_str(opened.expose_secret()).ok()?;
        (session.expires_at - MARGIN > Utc::now()).then_some(session)
    }

    async fn keep(&self, gstin: &str, session: &Session) {
        let ttl = (session.expires_at - MARGIN - Utc::now()).num_seconds();
        if ttl <= 0 {
            return;
        }
        let Ok(text) = serde_json::to_string(session) else {
            return;
        };
        let Ok(sealed) = self.seal.seal(&SecretString::from(text), gstin) else {
            return;
        };
        let Ok(mut conn) = self.redis.get().await else {
            return;
        };
        let kept: Result<(), _> = redis::cmd("SET")
            .arg(self.cache_key(gstin))
            .arg(sealed)
            .arg("EX")
            .arg(ttl)
            .query_async(&mut *conn)
            .await;
        if let Err(e) = kept {
            tracing::warn!(error = %e, "IRP session not cached");
        }
    }

    async fn forget(&self, gstin: &str) {
        if let Ok(mut conn) = self.redis.get().await {
            let _: Result<(), _> = redis::cmd("DEL")
                .arg(self.cache_key(gstin))
                .query_async(&mut *conn)
                .await;
        }
    }

    fn headers(&self, req: reqwest::RequestBuilder, gstin: &str) -> reqwest::RequestBuilder {
        req.header("client_id", self.config.client_id.expose_secret())
            .header("client_secret", self.config.client_secret.expose_secret())
            .header("gstin", gstin)
            .timeout(Duration::from_secs(30))
    }

    /// Logs in for `gstin` (`force`: ask for a new token even if the IRP holds one).
    async fn login(&self, gstin: &str, force: bool) -> Result<Session, IrpError> {
        let bad = |what: &str| IrpError::Auth(what.to_owned());
        let app_key = crypto::app_key().map_err(|e| bad(&e.to_string()))?;
        let inner = json!({
            "UserName": self.config.username,
            "Password": self.config.password.expose_secret(),
            "AppKey": STANDARD.encode(app_key),
            "ForceRefreshAccessToken": force,
        });
        let inner = STANDARD.encode(inner.to_string());
        let data = crypto::rsa_encrypt(&self.config.public_key_der, inner.as_bytes())
            .map_err(|e| bad(&e.to_string()))?;
        let res = self
            .headers(
                self.http
                    .post(format!("{}{AUTH_PATH}", self.config.base_url)),
                gstin,
            )
            .json(&json!({ "Data": data }))
            .send()
            .await
            .map_err(|e| IrpError::Transient(e.without_url().to_string()))?;
        let status = res.status();
        if status.is_server_error() || status.as_u16() == 429 {
            return Err(IrpError::Transient(format!("login: {status}")));
        }
        let env: Envelope = res
            .json()
            .await
            .map_err(|_| IrpError::Auth(format!("login: unreadable answer ({status})")))?;
        if env.status != "1" {
            return Err(IrpError::Auth(format!(
                "login refused: {}",
                describe(&env.errors.unwrap_or_default())
            )));
        }
        let field = |name: &str| {
            env.data
                .get(name)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| IrpError::Auth(format!("login: no {name}")))
        };
        let sek = crypto::aes_decrypt(&app_key, &field("Sek")?)
            .map_err(|_| bad("login: the Sek does not open with the AppKey"))?;
        if sek.len() != 32 {
            return Err(bad("login: the Sek is not 32 bytes"));
        }
        let expires_at =
            ist_time(&field("TokenExpiry")?).ok_or_else(|| bad("login: unreadable TokenExpiry"))?;
        let session = Session {
            auth_token: field("AuthToken")?,
            sek: STANDARD.encode(sek),
            expires_at,
        };
        self.keep(gstin, &session).await;
        tracing::info!(%expires_at, force, "IRP login");
        Ok(session)
    }

    async fn session(&self, gstin: &str, force: bool) -> Result<Session, IrpError> {
        if !force && let Some(s) = self.cached(gstin).await {
            return Ok(s);
        }
        self.login(gstin, force).await
    }

    /// One call under a session: `Ok(Ok(data))` with `Data` opened, `Ok(Err(errors))` when the
    /// IRP answered `Status` 0. An expired or refused token logs in again, once.
    async fn call(
        &self,
        gstin: &str,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        payload: Option<&Value>,
    ) -> Result<Result<Value, Vec<IrpErrorDetail>>, IrpError> {
        for attempt in 0..2 {
            let fresh = attempt > 0;
            if fresh {
                self.forget(gstin).await;
            }
            let session = self.session(gstin, fresh).await?;
            let sek = STANDARD
                .decode(session.sek.as_bytes())
                .map_err(|_| IrpError::Auth("cached Sek".into()))?;
            let mut req = self
                .headers(
                    self.http
                        .request(method.clone(), format!("{}{path}", self.config.base_url)),
                    gstin,
                )
                .header("user_name", &self.config.username)
                .header("AuthToken", &session.auth_token);
            if !query.is_empty() {
                req = req.query(query);
            }
            if let Some(p) = payload {
                let data = crypto::aes_encrypt(&sek, p.to_string().as_bytes())
                    .map_err(|e| IrpError::Auth(e.to_string()))?;
                req = req.json(&json!({ "Data": data }));
            }
            let res = req
                .send()
                .await
                .map_err(|e| IrpError::Transient(e.without_url().to_string()))?;
            let status = res.status();
            if matches!(status.as_u16(), 401 | 403) && !fresh {
                continue;
            }
            if status.is_server_error() || status.as_u16() == 429 {
                return Err(IrpError::Transient(status.to_string()));
            }
            let text = res.text().await.unwrap_or_default();
            let Ok(env) = serde_json::from_str::<Envelope>(&text) else {
                return Err(IrpError::Rejected(vec![IrpErrorDetail {
                    code: status.as_u16().to_string(),
                    message: text.chars().take(300).collect(),
                }]));
            };
            if env.status == "1" {
                let data = env
                    .data
                    .as_str()
                    .ok_or_else(|| IrpError::Transient("an answer without Data".into()))?;
                let plain = crypto::aes_decrypt(&sek, data)
                    .map_err(|_| IrpError::Transient("Data does not open with the Sek".into()))?;
                let value = serde_json::from_slice(&plain)
                    .map_err(|_| IrpError::Transient("Data is not JSON".into()))?;
                return Ok(Ok(value));
            }
            let errors = env.errors.unwrap_or_default();
            if errors.iter().any(|e| e.code == "1005") && !fresh {
                continue;
            }
            return Ok(Err(errors));
        }
        Err(IrpError::Auth("the IRP refused a fresh token".into()))
    }

    /// Registers an e-invoice (schema 1.1 JSON) of the seller `gstin`; a duplicate (2150) is
    /// answered with the IRN already registered for the document.
    pub async fn generate(&self, gstin: &str, payload: &Value) -> Result<IrnDetails, IrpError> {
        let answer = self
            .call(gstin, Method::POST, INVOICE_PATH, &[], Some(payload))
            .await?;
        let data = match answer {
            Ok(data) => data,
            Err(errors) if errors.iter().any(|e| e.code == "2150") => {
                let doc = &payload["DocDtls"];
                let field = |k: &str| doc[k].as_str().unwrap_or_default().to_owned();
                let (typ, no, dt) = (field("Typ"), field("No"), field("Dt"));
                tracing::info!("IRP: duplicate IRN, reading the registered one");
                match self
                    .call(
                        gstin,
                        Method::GET,
                        BY_DOC_PATH,
                        &[("doctype", &typ), ("docnum", &no), ("docdate", &dt)],
                        None,
                    )
                    .await?
                {
                    Ok(data) => data,
                    Err(more) => return Err(IrpError::Rejected([errors, more].concat())),
                }
            }
            Err(errors) => return Err(IrpError::Rejected(errors)),
        };
        serde_json::from_value(data)
            .map_err(|_| IrpError::Transient("the IRN answer lacks Irn, AckNo or AckDt".into()))
    }

    /// Cancels `irn` (reason 1-4, remark).
    pub async fn cancel(
        &self,
        gstin: &str,
        irn: &str,
        reason: u8,
        remark: &str,
    ) -> Result<(), IrpError> {
        let body = json!({"Irn": irn, "CnlRsn": reason.to_string(), "CnlRem": remark});
        match self
            .call(gstin, Method::POST, CANCEL_PATH, &[], Some(&body))
            .await?
        {
            Ok(_) => Ok(()),
            Err(errors) => Err(IrpError::Rejected(errors)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_irp_times_and_errors_read() {
        let at = ist_time("2026-11-10 12:30:00").unwrap();
        assert_eq!(at.to_rfc3339(), "2026-11-10T07:00:00+00:00");
        assert!(ist_time("10/11/2026").is_none());
        let env: Envelope = serde_json::from_value(json!({"Status": 0,
            "ErrorDetails": [{"ErrorCode": 2150, "ErrorMessage": "Duplicate IRN"}]}))
        .unwrap();
        assert_eq!(env.status, "0");
        assert_eq!(describe(&env.errors.unwrap()), "2150: Duplicate IRN");
        let irn: IrnDetails =
            serde_json::from_value(json!({"Irn": "a", "AckNo": 112010000000001u64,
            "AckDt": "2026-11-10 12:30:00"}))
            .unwrap();
        assert_eq!(irn.ack_no, "112010000000001");
    }
}

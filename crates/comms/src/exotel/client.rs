//! The Exotel client: `POST {api_base}/v1/Accounts/{sid}/Calls/connect.json` and
//! `.../Sms/send.json`, form-encoded, with HTTP basic auth `api_key:api_token`.

use crate::config::ExotelConfig;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use crate::provider::{ProviderError, clip, read_json};

const PROVIDER: &str = "Exotel";

/// A call Exotel accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderCall {
    /// `CallSid`.
    pub sid: String,
    /// Initial status (`queued`, `in-progress`).
    pub status: String,
}

/// An SMS Exotel accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderSms {
    /// `SmsSid`.
    pub sid: String,
    /// Initial status (`queued`).
    pub status: String,
}

/// Places calls and sends SMS from the configured ExoPhone. Cheap to clone.
#[derive(Clone)]
pub struct ExotelClient {
    http: reqwest::Client,
    account_url: String,
    api_key: String,
    api_token: SecretString,
    caller_id: String,
    status_callback: String,
}

impl ExotelClient {
    /// The client, or `None` unless `EXOTEL_SID`, `EXOTEL_API_KEY`, `EXOTEL_API_TOKEN` and
    /// `EXOTEL_CALLER_ID` are all set. Status callbacks go to
    /// `{PUBLIC_BASE_URL}/api/webhooks/exotel/status?token=<EXOTEL_WEBHOOK_TOKEN>`.
    pub fn from_config(
        config: &ExotelConfig,
        public_base_url: &str,
        http: reqwest::Client,
    ) -> Option<Self> {
        let sid = config.sid.as_deref()?;
        let callback = format!("{public_base_url}/api/webhooks/exotel/status");
        let status_callback = match &config.webhook_token {
            Some(token) => {
                reqwest::Url::parse_with_params(&callback, [("token", token.expose_secret())])
                    .map_or(callback, String::from)
            }
            None => callback,
        };
        Some(Self {
            http,
            account_url: format!("{}/v1/Accounts/{sid}", config.api_base),
            api_key: config.api_key.clone()?,
            api_token: config.api_token.clone()?,
            caller_id: config.caller_id.clone()?,
            status_callback,
        })
    }

    /// The ExoPhone shown to both parties.
    pub fn caller_id(&self) -> &str {
        &self.caller_id
    }

    /// Click-to-call: Exotel rings `from` (the agent) first, then connects `to`.
    pub async fn connect_call(&self, from: &str, to: &str) -> Result<ProviderCall, ProviderError> {
        let body = self
            .post(
                "Calls/connect.json",
                &[
                    ("From", from),
                    ("To", to),
                    ("CallerId", &self.caller_id),
                    ("StatusCallback", &self.status_callback),
                    (
                        "StatusCallbackContentType",
                        "application/x-www-form-urlencoded",
                    ),
                ],
            )
            .await?;
        let call = &body["Call"];
        Ok(ProviderCall {
            sid: field(call, "Sid", &body)?,
            status: call["Status"].as_str().unwrap_or("queued").to_owned(),
        })
    }

    /// Sends an SMS from the ExoPhone.
    pub async fn send_sms(&self, to: &str, text: &str) -> Result<ProviderSms, ProviderError> {
        let body = self
            .post(
                "Sms/send.json",
                &[
                    ("From", self.caller_id.as_str()),
                    ("To", to),
                    ("Body", text),
                ],
            )
            .await?;
        let sms = &body["SMSMessage"];
        Ok(ProviderSms {
            sid: field(sms, "Sid", &body)?,
            status: sms["Status"].as_str().unwrap_or("queued").to_owned(),
        })
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> Result<Value, ProviderError> {
        let res = self
            .http
            .post(format!("{}/{path}", self.account_url))
            .basic_auth(&self.api_key, Some(self.api_token.expose_secret()))
            .form(form)
            .send()
            .await
            .map_err(|e| ProviderError::transport(PROVIDER, e))?;
        read_json(PROVIDER, res, "/RestException/Message").await
    }
}

fn field(object: &Value, key: &str, whole: &Value) -> Result<String, ProviderError> {
    object[key]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| ProviderError::Body {
            provider: PROVIDER,
            message: format!("no {key} in {}", clip(&whole.to_string())),
        })
}

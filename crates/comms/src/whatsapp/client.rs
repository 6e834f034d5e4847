//! The WhatsApp Cloud API client: `POST {api_base}/{phone_number_id}/messages` with the
//! bearer token.

use crate::config::WhatsAppConfig;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use super::{Content, TemplateMessage};
use crate::{
    phone,
    provider::{ProviderError, clip, read_json},
};

const PROVIDER: &str = "WhatsApp";

/// Sends messages from the configured business phone number. Cheap to clone.
#[derive(Clone)]
pub struct WhatsAppClient {
    http: reqwest::Client,
    messages_url: String,
    token: SecretString,
}

impl WhatsAppClient {
    /// The client, or `None` without `WHATSAPP_ACCESS_TOKEN` and `WHATSAPP_PHONE_NUMBER_ID`.
    pub fn from_config(config: &WhatsAppConfig, http: reqwest::Client) -> Option<Self> {
        let token = config.access_token.clone()?;
        let phone_number_id = config.phone_number_id.as_deref()?;
        Some(Self {
            http,
            messages_url: format!("{}/{phone_number_id}/messages", config.api_base),
            token,
        })
    }

    /// Sends a text message; returns the provider's message id (`wamid.…`).
    pub async fn send_text(&self, to: &str, body: &str) -> Result<String, ProviderError> {
        self.send(to, Content::Text(body)).await
    }

    /// Sends a template message; returns the provider's message id.
    pub async fn send_template(
        &self,
        to: &str,
        name: &str,
        language: &str,
        components: Vec<Value>,
    ) -> Result<String, ProviderError> {
        let template = TemplateMessage {
            name: name.to_owned(),
            language: language.to_owned(),
            components,
        };
        self.send(to, Content::Template(&template)).await
    }

    /// Sends any content; returns the provider's message id.
    pub async fn send(&self, to: &str, content: Content<'_>) -> Result<String, ProviderError> {
        let payload = payload(to, content);
        let res = self
            .http
            .post(&self.messages_url)
            .bearer_auth(self.token.expose_secret())
            .json(&payload)
            .send()
            .await
            .map_err(|e| ProviderError::transport(PROVIDER, e))?;
        let body = read_json(PROVIDER, res, "/error/message").await?;
        body["messages"][0]["id"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| ProviderError::Body {
                provider: PROVIDER,
                message: format!("no messages[0].id in {}", clip(&body.to_string())),
            })
    }
}

/// The request body of one message.
pub fn payload(to: &str, content: Content<'_>) -> Value {
    let to = phone::whatsapp_digits(to);
    match content {
        Content::Text(body) => json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to,
            "type": "text",
            "text": {"preview_url": false, "body": body},
        }),
        Content::Template(t) => {
            let mut template = json!({"name": t.name, "language": {"code": t.language}});
            if !t.components.is_empty() {
                template["components"] = Value::Array(t.components.clone());
            }
            json!({
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": to,
                "type": "template",
                "template": template,
            })
        }
    }
}

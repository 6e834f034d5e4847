//! The WhatsApp webhook, public by design (the signature is the credential):
//! `GET` answers Meta's verification handshake with `WHATSAPP_VERIFY_TOKEN`; `POST` checks
//! `X-Hub-Signature-256` (HMAC-SHA256 of the raw body under `WHATSAPP_APP_SECRET`) and stores
//! delivery statuses and inbound messages, each once.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use kernel::{AppContext, AppError, Tenant, error::AppResult, extract::parse_json};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::service::{self, Inbound, StatusUpdate};
use crate::{Comms, secure};

/// What a notification contained that was new.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = WhatsappWebhookAck)]
pub struct WebhookAck {
    /// New delivery statuses stored.
    pub statuses: usize,
    /// New inbound messages stored.
    pub messages: usize,
}

/// Meta's verification handshake: echoes `hub.challenge` as text when `hub.mode=subscribe`
/// and `hub.verify_token` matches; 403 otherwise.
#[utoipa::path(
    tag = "webhooks",
    params(
        ("hub.mode" = Option<String>, Query, description = "`subscribe`"),
        ("hub.verify_token" = Option<String>, Query, description = "WHATSAPP_VERIFY_TOKEN"),
        ("hub.challenge" = Option<String>, Query, description = "Echoed back"),
    ),
    responses(
        (status = 200, description = "The challenge", body = String, content_type = "text/plain"),
        (status = 403, description = "invalid_verify_token", body = kernel::error::Problem),
        (status = 503, description = "provider_not_configured", body = kernel::error::Problem),
    )
)]
#[get("/api/webhooks/whatsapp")]
pub async fn verify(
    comms: web::Data<Comms>,
    query: web::Query<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    let expected = comms
        .config
        .whatsapp
        .verify_token
        .as_ref()
        .ok_or_else(|| AppError::provider_not_configured("WhatsApp webhook verification"))?;
    let mode = query.get("hub.mode").map(String::as_str);
    let token = query
        .get("hub.verify_token")
        .map(String::as_str)
        .unwrap_or("");
    if mode != Some("subscribe")
        || !secure::secrets_equal(token.as_bytes(), expected.expose_secret().as_bytes())
    {
        return Err(AppError::new(
            &crate::codes::INVALID_VERIFY_TOKEN,
            "hub.mode must be subscribe and hub.verify_token must match",
        ));
    }
    let challenge = query.get("hub.challenge").cloned().unwrap_or_default();
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(challenge))
}

/// A webhook notification: statuses of sent messages and inbound messages. 401
/// `invalid_webhook_signature` unless `X-Hub-Signature-256` signs the raw body.
#[utoipa::path(
    tag = "webhooks",
    params(("X-Hub-Signature-256" = String, Header, description = "sha256=<hex HMAC-SHA256 of the body under the app secret>")),
    request_body(content = Object, description = "The Cloud API notification"),
    responses(
        (status = 200, body = WebhookAck),
        (status = 401, description = "invalid_webhook_signature", body = kernel::error::Problem),
        (status = 503, description = "provider_not_configured", body = kernel::error::Problem),
    )
)]
#[post("/api/webhooks/whatsapp")]
pub async fn receive(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    comms: web::Data<Comms>,
    tenant: Tenant,
    body: web::Bytes,
) -> AppResult<web::Json<WebhookAck>> {
    let secret = comms
        .config
        .whatsapp
        .app_secret
        .as_ref()
        .ok_or_else(|| AppError::provider_not_configured("WhatsApp webhook"))?;
    let signature = req
        .headers()
        .get("x-hub-signature-256")
        .and_then(|v| v.to_str().ok());
    if !secure::valid_hub_signature(secret.expose_secret().as_bytes(), &body, signature) {
        return Err(AppError::new(
            &kernel::error::codes::INVALID_WEBHOOK_SIGNATURE,
            "X-Hub-Signature-256 is missing or does not sign this body",
        ));
    }
    let notification: Notification = parse_json(&body)?;
    let mut ack = WebhookAck {
        statuses: 0,
        messages: 0,
    };
    for value in notification
        .entry
        .into_iter()
        .flat_map(|e| e.changes)
        .map(|c| c.value)
    {
        for status in value.statuses {
            let Some(update) = status_update(status) else {
                continue;
            };
            if service::apply_status(&ctx.db, tenant.id, update).await? {
                ack.statuses += 1;
            }
        }
        for message in value.messages {
            let Some(inbound) = inbound(message) else {
                continue;
            };
            if service::record_inbound(&ctx.db, &tenant, inbound).await? {
                ack.messages += 1;
            }
        }
    }
    if ack.messages > 0 {
        comms.jobs.notify_committed();
    }
    tracing::info!(
        statuses = ack.statuses,
        messages = ack.messages,
        "WhatsApp webhook"
    );
    Ok(web::Json(ack))
}

#[derive(Debug, Default, Deserialize)]
struct Notification {
    #[serde(default)]
    entry: Vec<Entry>,
}

#[derive(Debug, Default, Deserialize)]
struct Entry {
    #[serde(default)]
    changes: Vec<Change>,
}

#[derive(Debug, Default, Deserialize)]
struct Change {
    #[serde(default)]
    value: ChangeValue,
}

#[derive(Debug, Default, Deserialize)]
struct ChangeValue {
    #[serde(default)]
    statuses: Vec<Value>,
    #[serde(default)]
    messages: Vec<Value>,
}

fn text(value: &Value, key: &str) -> Option<String> {
    match &value[key] {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn unix_time(value: &Value) -> Option<DateTime<Utc>> {
    let secs: i64 = text(value, "timestamp")?.parse().ok()?;
    DateTime::from_timestamp(secs, 0)
}

fn status_update(status: Value) -> Option<StatusUpdate> {
    Some(StatusUpdate {
        wa_message_id: text(&status, "id")?,
        status: text(&status, "status")?,
        recipient: text(&status, "recipient_id"),
        occurred_at: unix_time(&status),
        errors: status.get("errors").filter(|e| !e.is_null()).cloned(),
    })
}

fn inbound(message: Value) -> Option<Inbound> {
    Some(Inbound {
        wa_message_id: text(&message, "id")?,
        from: text(&message, "from")?,
        kind: text(&message, "type").unwrap_or_else(|| "unknown".into()),
        body: message["text"]["body"].as_str().map(str::to_owned),
        raw: message,
    })
}

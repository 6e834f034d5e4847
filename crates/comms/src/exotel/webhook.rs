//! `POST /api/webhooks/exotel/status`: Exotel's call status callback, public by design and
//! guarded by `EXOTEL_WEBHOOK_TOKEN` (query `token` or header `X-Exotel-Token`, compared in
//! constant time). Form-encoded (Exotel's default) or JSON; idempotent.

use std::collections::HashMap;

use actix_web::{HttpRequest, http::header, post, web};
use kernel::{AppContext, AppError, error::AppResult};
use secrecy::ExposeSecret;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::service::{self, CallStatus};
use crate::{Comms, secure};

/// What the callback changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusAck {
    /// Whether a call with this `CallSid` exists (and now carries the status).
    pub updated: bool,
}

/// Applies a call status callback (`CallSid`, `Status`, `Duration`/`ConversationDuration`,
/// `RecordingUrl`). 401 `invalid_token` without the shared token.
#[utoipa::path(
    tag = "webhooks",
    params(
        ("token" = Option<String>, Query, description = "EXOTEL_WEBHOOK_TOKEN (or the X-Exotel-Token header)"),
    ),
    request_body(content = Object, content_type = "application/x-www-form-urlencoded", description = "CallSid, Status, Duration, RecordingUrl"),
    responses(
        (status = 200, body = StatusAck),
        (status = 401, description = "invalid_token", body = kernel::error::Problem),
        (status = 422, description = "validation_failed", body = kernel::error::Problem),
        (status = 503, description = "provider_not_configured", body = kernel::error::Problem),
    )
)]
#[post("/api/webhooks/exotel/status")]
pub async fn status(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    comms: web::Data<Comms>,
    body: web::Bytes,
) -> AppResult<web::Json<StatusAck>> {
    let expected = comms
        .config
        .exotel
        .webhook_token
        .as_ref()
        .ok_or_else(|| AppError::provider_not_configured("Exotel webhook"))?;
    let given = web::Query::<HashMap<String, String>>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.get("token").cloned())
        .or_else(|| {
            req.headers()
                .get("x-exotel-token")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        })
        .unwrap_or_default();
    if !secure::secrets_equal(given.as_bytes(), expected.expose_secret().as_bytes()) {
        return Err(AppError::new(
            &kernel::error::codes::INVALID_TOKEN,
            "the Exotel webhook token is missing or wrong",
        ));
    }
    let fields = fields(&req, &body)?;
    let update = CallStatus {
        sid: required(&fields, "CallSid")?,
        status: required(&fields, "Status")?.to_ascii_lowercase(),
        duration_secs: ["ConversationDuration", "Duration", "DialCallDuration"]
            .iter()
            .find_map(|k| fields.get(*k).and_then(|v| v.trim().parse::<i32>().ok()))
            .filter(|d| *d >= 0),
        recording_url: fields
            .get("RecordingUrl")
            .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
            .cloned(),
    };
    let updated = service::apply_status(&ctx.db, &update).await?;
    if !updated {
        tracing::warn!(sid = %update.sid, "Exotel status for an unknown call");
    }
    Ok(web::Json(StatusAck { updated }))
}

/// The callback's fields from a form or a JSON object, as strings.
fn fields(req: &HttpRequest, body: &[u8]) -> AppResult<HashMap<String, String>> {
    let json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.trim_start().starts_with("application/json"));
    if json {
        let value: Value = kernel::extract::parse_json(body)?;
        let object = value
            .as_object()
            .ok_or_else(|| AppError::invalid_field("body", "expected a JSON object"))?;
        return Ok(object
            .iter()
            .filter_map(|(k, v)| match v {
                Value::String(s) => Some((k.clone(), s.clone())),
                Value::Number(n) => Some((k.clone(), n.to_string())),
                _ => None,
            })
            .collect());
    }
    let text = std::str::from_utf8(body)
        .map_err(|_| AppError::new(&kernel::error::codes::BAD_BODY, "the form is not UTF-8"))?;
    web::Query::<HashMap<String, String>>::from_query(text)
        .map(web::Query::into_inner)
        .map_err(|e| AppError::new(&kernel::error::codes::BAD_BODY, format!("not a form: {e}")))
}

fn required(fields: &HashMap<String, String>, name: &str) -> AppResult<String> {
    fields
        .get(name)
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| AppError::invalid_field(name, "is required"))
}

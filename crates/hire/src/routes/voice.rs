//! Voice interviews: HR dispatches Aarya's call for an application; ElevenLabs' signed post-call
//! webhook completes it (`/api/webhooks/elevenlabs`, no module gate: the conversation id names
//! the interview or Miss Ozone call and its platform).

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use kernel::{
    AppError,
    auth::{Hr, Require},
    error::{AppResult, codes as kernel_codes},
};
use secrecy::ExposeSecret;
use uuid::Uuid;

use crate::{
    Hire,
    dto::voice::{VoiceInterviewList, VoiceInterviewView, WebhookAck},
    elevenlabs,
    service::voice,
};

/// Dispatches Aarya's call to the application's candidate (503 `provider_not_configured`
/// without ElevenLabs; 422 on `phone` without a number).
#[utoipa::path(tag = "hire", security(("bearer" = [])),
    responses((status = 201, body = VoiceInterviewView), (status = 404, body = kernel::error::Problem),
        (status = 422, body = kernel::error::Problem), (status = 502, body = kernel::error::Problem),
        (status = 503, body = kernel::error::Problem)))]
#[post("/{id}/voice-interviews")]
pub async fn dispatch(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let row = voice::dispatch(&hire.ctx().db, hire.elevenlabs(), hr.tenant.id, hr.id, *id).await?;
    Ok(HttpResponse::Created().json(row))
}

/// The application's voice interviews with their transcripts and evaluations.
#[utoipa::path(tag = "hire", security(("bearer" = [])),
    responses((status = 200, body = VoiceInterviewList), (status = 404, body = kernel::error::Problem)))]
#[get("/{id}/voice-interviews")]
pub async fn list(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<VoiceInterviewList>> {
    Ok(web::Json(VoiceInterviewList {
        items: voice::list(&hire.ctx().db, hr.tenant.id, *id).await?,
    }))
}

/// ElevenLabs' post-call webhook: `ElevenLabs-Signature` (HMAC-SHA256 of `<t>.<body>` with
/// `ELEVENLABS_WEBHOOK_SECRET`, within 30 minutes) or 401 `invalid_webhook_signature`. A
/// `post_call_transcription` completes its interview once; repeats and unknown conversations
/// are acknowledged and change nothing.
#[utoipa::path(tag = "hire", request_body(content = String, content_type = "application/json"),
    responses((status = 200, body = WebhookAck), (status = 401, body = kernel::error::Problem),
        (status = 503, body = kernel::error::Problem)))]
#[post("")]
pub async fn webhook(
    hire: web::Data<Hire>,
    req: HttpRequest,
    body: web::Bytes,
) -> AppResult<web::Json<WebhookAck>> {
    let secret = hire
        .config()
        .elevenlabs_webhook_secret
        .as_ref()
        .ok_or_else(|| AppError::provider_not_configured("ElevenLabs webhooks"))?;
    let header = req
        .headers()
        .get("elevenlabs-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let now = chrono::Utc::now().timestamp();
    if !elevenlabs::verify_signature(secret.expose_secret(), header, &body, now) {
        return Err(AppError::new(
            &kernel_codes::INVALID_WEBHOOK_SIGNATURE,
            "the ElevenLabs signature does not match",
        ));
    }
    let event: serde_json::Value = kernel::extract::parse_json(&body)?;
    if event["type"] == "post_call_transcription"
        && let Some(conversation) = event["data"]["conversation_id"].as_str()
    {
        // an Aarya interview or a Miss Ozone call; each ignores the other's conversations
        voice::complete(
            &hire.ctx().db,
            hire.storage(),
            hire.elevenlabs(),
            conversation,
            &event["data"],
            "webhook",
        )
        .await?;
        crate::service::ozone::complete(&hire.ctx().db, conversation, &event["data"], "webhook")
            .await?;
    }
    Ok(web::Json(WebhookAck { received: true }))
}

//! `POST /api/whatsapp/messages`: sales users and admins queue a text or template message,
//! once the registered contact policies allow the number ([`crate::contact`]).

use actix_web::{HttpResponse, post, web};
use kernel::{
    AppContext, AppError,
    auth::{Require, Sales},
    error::AppResult,
    extract::ValidJson,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::{TemplateMessage, WhatsAppJob, service};
use crate::{Comms, contact::Channel, phone};

/// A message to send: `text` or `template`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct SendWhatsApp {
    /// Recipient phone number with country code (`+919876543210`); one written without it
    /// (`9876543210`) is taken as India's.
    #[validate(custom(function = "crate::phone::validate"))]
    #[schema(pattern = r"^[ .()-]*(\+[ .()-]*)?([0-9][ .()-]*){8,15}$")]
    pub to: String,
    /// Text body (only inside the 24-hour customer-service window).
    #[validate(length(min = 1, max = 4096))]
    #[schema(min_length = 1, max_length = 4096)]
    pub text: Option<String>,
    /// An approved template.
    #[validate(nested)]
    pub template: Option<TemplateMessage>,
}

/// A queued message.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueuedMessage {
    /// `whatsapp_messages.id`; its status follows the webhook.
    pub id: Uuid,
    /// `queued`.
    pub status: String,
}

/// Queues a WhatsApp message (sales users and admins). 503 `provider_not_configured`
/// without WhatsApp credentials. A number the contact policies refuse is 409 on `to` and
/// nothing is stored or queued: a do-not-disturb lead's (`lead_do_not_disturb`), a lead's
/// without WhatsApp consent (`lead_no_whatsapp_consent`).
#[utoipa::path(
    tag = "comms",
    security(("bearer" = [])),
    request_body = SendWhatsApp,
    responses(
        (status = 202, body = QueuedMessage),
        (status = 409, description = "lead_do_not_disturb or lead_no_whatsapp_consent: the lead behind the number may not be messaged; nothing queued", body = kernel::error::Problem),
        (status = 422, description = "validation_failed", body = kernel::error::Problem),
        (status = 503, description = "provider_not_configured", body = kernel::error::Problem),
    )
)]
#[post("/messages")]
pub async fn send(
    user: Require<Sales>,
    ctx: web::Data<AppContext>,
    comms: web::Data<Comms>,
    ValidJson(req): ValidJson<SendWhatsApp>,
) -> AppResult<HttpResponse> {
    let job = WhatsAppJob {
        message_id: None,
        to: req.to,
        text: req.text,
        template: req.template,
    };
    let content = job
        .content()
        .map_err(|m| AppError::invalid_field("text", m))?;
    if comms.whatsapp.is_none() {
        return Err(AppError::provider_not_configured("WhatsApp"));
    }
    comms
        .contact_policies
        .ensure_allowed(
            &ctx.db,
            user.tenant.id,
            &phone::normalize(&job.to),
            Channel::Whatsapp,
            "to",
        )
        .await?;
    let row = service::queue_outbound(&ctx.db, &user.tenant, &job, content, Some(user.id)).await?;
    comms.jobs.notify_committed();
    Ok(HttpResponse::Accepted().json(QueuedMessage {
        id: row.id,
        status: row.status,
    }))
}

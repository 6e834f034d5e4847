//! `POST /api/leads/capture`: the public capture forms.

use actix_web::{HttpRequest, HttpResponse, post, web};
use kernel::{
    Tenant,
    error::{AppResult, Problem},
    extract::ValidJson,
    ratelimit,
};

use crate::{
    Crm,
    dto::leads::{CaptureAnswer, CaptureRequest},
    service::ingest::{self, Inbound},
};

/// Takes a form submission (no account): 202 `{received: true}` whatever happened, so the
/// answer never tells whether the phone is already a lead. The lead is deduplicated like a
/// vendor's (a repeat goes on the first lead's timeline with the form and UTM). A filled-in
/// honeypot (`website`) is answered the same and discarded. 422 naming `form` for a form
/// name starting with `event-` or `league-`: those are reserved for the event and league
/// registrations (`POST /api/event-config/{slug}/registrations`, `POST
/// /api/league-registration`), which check capacity and closing time and start the
/// workflows filtered on them. 429 over `LEAD_CAPTURE_RATE_LIMIT` per client IP.
#[utoipa::path(
    tag = "crm",
    request_body = CaptureRequest,
    responses(
        (status = 202, body = CaptureAnswer),
        (status = 404, body = Problem), (status = 413, body = Problem),
        (status = 422, body = Problem), (status = 429, body = Problem)
    )
)]
#[post("/capture")]
pub async fn capture(
    req: HttpRequest,
    tenant: Tenant,
    crm: web::Data<Crm>,
    body: ValidJson<CaptureRequest>,
) -> AppResult<HttpResponse> {
    let ctx = crm.ctx();
    let ip = ratelimit::client_ip(&req, &ctx.config.trusted_proxies);
    ratelimit::hit(
        ctx,
        &format!("lead-capture:ip:{ip}"),
        crm.config().capture_rate,
    )
    .await?;
    let b = body.into_inner();
    if b.website.as_deref().is_some_and(|w| !w.trim().is_empty()) {
        tracing::info!(form = %b.form, "lead capture: honeypot filled, discarded");
        return Ok(HttpResponse::Accepted().json(CaptureAnswer { received: true }));
    }
    let done = ingest::ingest(
        &ctx.db,
        &tenant,
        Inbound {
            full_name: b.full_name,
            phone: b.phone,
            email: b.email,
            source: format!("form:{}", b.form),
            campaign: b.utm.as_ref().and_then(|u| u.get("utm_campaign").cloned()),
            form: Some(b.form),
            utm: serde_json::to_value(b.utm.unwrap_or_default()).unwrap_or_default(),
            extra: serde_json::json!({}),
            vendor_id: None,
            profile: ingest::Profile {
                course: b.course,
                language: b.language,
                region: b.region,
                whatsapp_consent: b.whatsapp_consent,
            },
        },
    )
    .await?;
    crm.jobs().notify_committed();
    tracing::info!(lead_id = %done.id, duplicate = done.duplicate, "captured lead");
    Ok(HttpResponse::Accepted().json(CaptureAnswer { received: true }))
}

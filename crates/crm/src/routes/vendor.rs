//! `POST /api/v1/vendor/leads`: a vendor pushes a lead with its `X-API-Key`.

use actix_web::{HttpResponse, post, web};
use identity::extract::VendorKey;
use kernel::{
    AppError,
    error::{AppResult, Problem},
    extract::ValidJson,
    ratelimit,
};

use crate::{
    Crm, MODULE,
    dto::leads::{IngestAnswer, VendorLeadRequest},
    service::ingest::{self, Inbound},
};

/// Ingests a lead on the key's platform: 201 `{id, duplicate: false}` for a new person, 200
/// `{id, duplicate: true}` with the first lead's id when the phone (E.164) or the email
/// (canonical) is already a lead of the platform; the repeat is on that lead's timeline and
/// in the vendor's lead-quality ledger. 429 over `VENDOR_LEAD_RATE_LIMIT` per vendor.
#[utoipa::path(
    tag = "crm",
    security(("api_key" = [])),
    request_body = VendorLeadRequest,
    responses(
        (status = 201, body = IngestAnswer, description = "a new lead"),
        (status = 200, body = IngestAnswer, description = "already a lead: the first lead's id"),
        (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)
    )
)]
#[post("")]
pub async fn create(
    vendor: VendorKey,
    crm: web::Data<Crm>,
    body: ValidJson<VendorLeadRequest>,
) -> AppResult<HttpResponse> {
    if !vendor.tenant.has_module(MODULE) {
        return Err(AppError::not_found(
            "the CRM is not enabled on this platform",
        ));
    }
    ratelimit::hit(
        crm.ctx(),
        &format!("vendor-leads:{}", vendor.id),
        crm.config().vendor_rate,
    )
    .await?;
    let b = body.into_inner();
    let done = ingest::ingest(
        &crm.ctx().db,
        &vendor.tenant,
        Inbound {
            full_name: b.full_name,
            phone: b.phone,
            email: b.email,
            source: b.source.unwrap_or_else(|| "vendor".to_owned()),
            campaign: b.campaign,
            form: None,
            utm: serde_json::json!({}),
            extra: serde_json::Value::Object(b.extra.unwrap_or_default()),
            vendor_id: Some(vendor.id),
            profile: ingest::Profile {
                course: b.course,
                language: b.language,
                region: b.region,
                whatsapp_consent: None,
            },
        },
    )
    .await?;
    crm.jobs().notify_committed();
    tracing::info!(lead_id = %done.id, vendor_id = %vendor.id, duplicate = done.duplicate, "vendor lead");
    let answer = IngestAnswer {
        id: done.id,
        duplicate: done.duplicate,
    };
    Ok(if done.duplicate {
        HttpResponse::Ok().json(answer)
    } else {
        HttpResponse::Created().json(answer)
    })
}

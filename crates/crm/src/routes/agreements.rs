//! PAP / MOU agreements through Leegality (ADR 0067): `/api/sales/agreements` (generate from
//! a template, send for e-sign, read, the PDF), `POST /api/webhooks/leegality` (public; the
//! `X-Leegality-Signature` HMAC over the raw body is the credential) and
//! `POST /api/admin/crm/agreements/recover` (ADMIN: settle stuck agreements from Leegality's
//! status).

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use integrations::Integrations;
use kernel::{
    auth::{Admin, Require},
    error::{AppResult, Problem},
    extract::ValidJson,
};
use serde_json::json;
use storage::Storage;
use uuid::Uuid;

use crate::{
    Crm,
    dto::agreements::{AgreementDto, AgreementFilter, NewAgreement, RecoveryReport},
    service::{access::SalesDesk, agreements},
};

/// Generates a PAP or MOU agreement for a lead the caller sees from the kind's template (a
/// PDF, stored); `generated` until sent. 422 names `course` (none given or known),
/// `placement_fee_percent` (a PAP without it) or `fee_paise` (below the price of a course the
/// platform prices, less the discount approved for the lead on it).
#[utoipa::path(tag = "crm", security(("bearer" = [])), request_body = NewAgreement,
    responses((status = 201, body = AgreementDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("")]
pub async fn generate(
    user: Require<SalesDesk>,
    crm: web::Data<Crm>,
    storage: web::Data<Storage>,
    body: ValidJson<NewAgreement>,
) -> AppResult<HttpResponse> {
    let out = agreements::generate(&crm.ctx().db, &storage, &user, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(out))
}

/// A lead's agreements (`lead_id` required), newest first. `signing_url` is `null` except
/// for the agreement's author while it is `sent` (the link signs as the learner).
#[utoipa::path(tag = "crm", security(("bearer" = [])), params(AgreementFilter),
    responses((status = 200, body = Vec<AgreementDto>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("")]
pub async fn list(
    user: Require<SalesDesk>,
    crm: web::Data<Crm>,
    filter: web::Query<AgreementFilter>,
) -> AppResult<web::Json<Vec<AgreementDto>>> {
    Ok(web::Json(
        agreements::list(&crm.ctx().db, &user, &filter).await?,
    ))
}

/// One agreement (404 outside the caller's view); `signing_url` as in the list.
#[utoipa::path(tag = "crm", security(("bearer" = [])), params(("id" = Uuid, Path, description = "agreement id")),
    responses((status = 200, body = AgreementDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[get("/{id}")]
pub async fn get(
    user: Require<SalesDesk>,
    crm: web::Data<Crm>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<AgreementDto>> {
    Ok(web::Json(
        agreements::get(&crm.ctx().db, &user, id.into_inner()).await?,
    ))
}

/// Sends a generated agreement to Leegality for the lead's signature (`sent`, with the
/// document id; the signer's link only when the caller generated it). 409 `agreement_wrong_status` once sent; 503 without
/// Leegality; 502 when Leegality refuses.
#[utoipa::path(tag = "crm", security(("bearer" = [])), params(("id" = Uuid, Path, description = "agreement id")),
    responses((status = 200, body = AgreementDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 502, body = Problem), (status = 503, body = Problem)))]
#[post("/{id}/send")]
pub async fn send(
    user: Require<SalesDesk>,
    crm: web::Data<Crm>,
    storage: web::Data<Storage>,
    integrations: web::Data<Integrations>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<AgreementDto>> {
    Ok(web::Json(
        agreements::send(
            &crm.ctx().db,
            &storage,
            integrations.leegality.as_ref(),
            &user,
            id.into_inner(),
        )
        .await?,
    ))
}

/// The agreement's PDF: the signed copy once Leegality completed it, else the generated one.
#[utoipa::path(tag = "crm", security(("bearer" = [])), params(("id" = Uuid, Path, description = "agreement id")),
    responses((status = 200, description = "the PDF", content_type = "application/pdf", body = Vec<u8>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[get("/{id}/pdf")]
pub async fn pdf(
    user: Require<SalesDesk>,
    crm: web::Data<Crm>,
    storage: web::Data<Storage>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let (name, bytes) = agreements::pdf_of(&crm.ctx().db, &storage, &user, id.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            "Content-Disposition",
            format!("inline; filename=\"{name}\""),
        ))
        .insert_header(("Cache-Control", "private, no-store"))
        .body(bytes))
}

/// Leegality's webhook: 401 `invalid_webhook_signature` unless `X-Leegality-Signature` is
/// the hex HMAC-SHA256 of the raw body under `LEEGALITY_WEBHOOK_SECRET`. `{documentId,
/// status}`: `COMPLETED` downloads the signed PDF into storage and marks the agreement
/// `signed`; `DECLINED` / `EXPIRED` close it. A repeated event is acknowledged and ignored.
/// The answer's `status`: `signed`, `closed`, `pending`, `already_settled`, `duplicate`,
/// `unknown_document`. 502 when the signed PDF cannot be fetched (Leegality retries).
#[utoipa::path(tag = "crm", request_body(content = String, content_type = "application/json"),
    params(("X-Leegality-Signature" = String, Header, description = "hex HMAC-SHA256 of the body")),
    responses((status = 200, description = "processed or ignored: `{status}`"), (status = 401, body = Problem), (status = 422, body = Problem), (status = 502, body = Problem), (status = 503, body = Problem)))]
#[post("")]
pub async fn webhook(
    req: HttpRequest,
    crm: web::Data<Crm>,
    storage: web::Data<Storage>,
    integrations: web::Data<Integrations>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let signature = req
        .headers()
        .get("X-Leegality-Signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let applied = agreements::webhook(
        &crm.ctx().db,
        &storage,
        integrations.leegality.as_ref(),
        &body,
        signature,
    )
    .await?;
    Ok(HttpResponse::Ok().json(json!({"status": applied})))
}

/// Settles the platform's agreements `sent` longer than `CRM_AGREEMENT_STUCK_HOURS` without a
/// webhook from Leegality's document status (signed: the signed PDF stored). Audited.
#[utoipa::path(tag = "crm", security(("bearer" = [])),
    responses((status = 200, body = RecoveryReport), (status = 401, body = Problem), (status = 403, body = Problem), (status = 503, body = Problem)))]
#[post("/agreements/recover")]
pub async fn recover(
    admin: Require<Admin>,
    crm: web::Data<Crm>,
    storage: web::Data<Storage>,
    integrations: web::Data<Integrations>,
) -> AppResult<web::Json<RecoveryReport>> {
    Ok(web::Json(
        agreements::recover_as_admin(
            &crm.ctx().db,
            &storage,
            integrations.leegality.as_ref(),
            &admin,
        )
        .await?,
    ))
}

//! Admin routes: grants and corrections (with reason, `Idempotency-Key` honoured),
//! reconciliation, and the token packs.

use actix_web::{HttpResponse, get, patch, post, web};
use kernel::{
    AppContext, Tenant,
    auth::{Admin, Require},
    error::AppResult,
    extract::{IdempotencyKey, ValidJson},
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    dto::{CorrectionRequest, GrantRequest, NewPack, PackChanges, PackDto, TransferDto},
    grants::{self, AdminTransfer},
    ledger::{self, Account, AccountKind, Posted, TransferKind, reconcile::Reconciliation},
    packs,
};

fn answer(posted: Posted) -> HttpResponse {
    // a repeat answers exactly as the first request did
    HttpResponse::Created().json(TransferDto::from(posted.transfer))
}

/// Grants tokens to a user of this platform (ADMIN+). A repeat with the same
/// `Idempotency-Key` returns the first transfer and grants nothing more.
#[utoipa::path(tag = "tokens", security(("bearer" = [])), request_body = GrantRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "dedupes repeats: 1-200 visible ASCII characters", pattern = r"^[\x21-\x7E]{1,200}$")),
    responses((status = 201, body = TransferDto), (status = 409, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[post("/grant")]
pub async fn grant(
    admin: Require<Admin>,
    ctx: web::Data<AppContext>,
    key: IdempotencyKey,
    body: ValidJson<GrantRequest>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner();
    let posted = grants::admin_transfer(
        &ctx.db,
        &admin,
        AdminTransfer {
            key: format!("grant:{}", key.or_unique()),
            kind: TransferKind::Grant,
            from: Account::platform(AccountKind::PlatformGrants),
            to: Account::available(body.user_id),
            amount: body.amount,
            reason: &body.reason,
            metadata: json!({}),
            action: "tokens.granted",
            user_id: body.user_id,
            signed_amount: body.amount,
        },
    )
    .await?;
    if posted.created {
        tracing::info!(admin = %admin.id, user = %body.user_id, amount = body.amount, "tokens granted");
    }
    Ok(answer(posted))
}

/// Corrects a user's balance with a new transfer (ADMIN+): positive credits, negative debits
/// (never below zero). Transfers are never edited.
#[utoipa::path(tag = "tokens", security(("bearer" = [])), request_body = CorrectionRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "dedupes repeats: 1-200 visible ASCII characters", pattern = r"^[\x21-\x7E]{1,200}$")),
    responses((status = 201, body = TransferDto), (status = 402, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[post("/corrections")]
pub async fn correct(
    admin: Require<Admin>,
    ctx: web::Data<AppContext>,
    key: IdempotencyKey,
    body: ValidJson<CorrectionRequest>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner();
    let grants = Account::platform(AccountKind::PlatformGrants);
    let user = Account::available(body.user_id);
    let (from, to) = if body.amount > 0 {
        (grants, user)
    } else {
        (user, grants)
    };
    let posted = grants::admin_transfer(
        &ctx.db,
        &admin,
        AdminTransfer {
            key: format!("correction:{}", key.or_unique()),
            kind: TransferKind::Correction,
            from,
            to,
            amount: body.amount.abs(),
            reason: &body.reason,
            metadata: json!({"signed_amount": body.amount}),
            action: "tokens.corrected",
            user_id: body.user_id,
            signed_amount: body.amount,
        },
    )
    .await?;
    Ok(answer(posted))
}

/// Proves this platform's ledger: every balance equals its transfers, the ledger sums to
/// zero, held balances equal pending holds (ADMIN+).
#[utoipa::path(tag = "tokens", security(("bearer" = [])), responses((status = 200, body = Reconciliation)))]
#[get("/reconcile")]
pub async fn reconcile(
    admin: Require<Admin>,
    ctx: web::Data<AppContext>,
) -> AppResult<web::Json<Reconciliation>> {
    let result = ledger::reconcile::reconcile_snapshot(&ctx.db, admin.tenant.id).await?;
    if !result.ok {
        tracing::error!(platform = %admin.tenant.slug, disagreements = result.disagreements.len(), ledger_sum = result.ledger_sum, "ledger does not reconcile");
    }
    Ok(web::Json(result))
}

/// Every pack of this platform, on sale or not (ADMIN+).
#[utoipa::path(tag = "tokens", security(("bearer" = [])), responses((status = 200, body = Vec<PackDto>)))]
#[get("")]
pub async fn list_packs(
    _admin: Require<Admin>,
    tenant: Tenant,
    ctx: web::Data<AppContext>,
) -> AppResult<web::Json<Vec<PackDto>>> {
    let rows = packs::all(&ctx.db, tenant.id).await?;
    Ok(web::Json(rows.into_iter().map(PackDto::from).collect()))
}

/// Creates a pack (ADMIN+); the name is unique per platform (409 `pack_exists`).
#[utoipa::path(tag = "tokens", security(("bearer" = [])), request_body = NewPack, responses((status = 201, body = PackDto), (status = 409, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[post("")]
pub async fn create_pack(
    admin: Require<Admin>,
    tenant: Tenant,
    ctx: web::Data<AppContext>,
    body: ValidJson<NewPack>,
) -> AppResult<HttpResponse> {
    let pack = packs::create(&ctx.db, tenant.id, &admin, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(PackDto::from(pack)))
}

/// Changes a pack (ADMIN+). Orders already placed keep the price they were created with.
#[utoipa::path(tag = "tokens", security(("bearer" = [])), request_body = PackChanges, responses((status = 200, body = PackDto), (status = 404, body = kernel::error::Problem), (status = 409, description = "`pack_exists`: another pack has the name", body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[patch("/{id}")]
pub async fn update_pack(
    admin: Require<Admin>,
    tenant: Tenant,
    ctx: web::Data<AppContext>,
    id: web::Path<Uuid>,
    body: ValidJson<PackChanges>,
) -> AppResult<web::Json<PackDto>> {
    let pack = packs::update(
        &ctx.db,
        tenant.id,
        &admin,
        id.into_inner(),
        body.into_inner(),
    )
    .await?;
    Ok(web::Json(pack.into()))
}

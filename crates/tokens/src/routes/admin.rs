//! Admin routes: grants and corrections (with reason, `Idempotency-Key` honoured),
//! reconciliation, and the token packs.

use actix_web::{HttpResponse, get, patch, post, web};
use chrono::Utc;
use kernel::{
    AppContext, AppError, Tenant,
    audit::{self, Audit},
    auth::{Admin, Require},
    error::AppResult,
    extract::{IdempotencyKey, ValidJson},
};
use sea_orm::{
    AccessMode, ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IsolationLevel,
    QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    dto::{CorrectionRequest, GrantRequest, NewPack, PackChanges, PackDto, TransferDto},
    entities::token_packs,
    ledger::{
        self, Account, AccountKind, NewTransfer, Posted, TransferKind, reconcile::Reconciliation,
    },
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
    let posted = admin_transfer(
        &admin,
        &ctx,
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
    let posted = admin_transfer(
        &admin,
        &ctx,
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

/// A transfer an admin asks for.
struct AdminTransfer<'a> {
    key: String,
    kind: TransferKind,
    from: Account,
    to: Account,
    amount: i64,
    reason: &'a str,
    metadata: serde_json::Value,
    /// The audit action (`tokens.granted`, `tokens.corrected`).
    action: &'static str,
    /// The user whose balance changes.
    user_id: Uuid,
    /// The change to their balance (negative for a debit).
    signed_amount: i64,
}

/// Writes an admin's transfer in its own transaction, recording who asked and the request id,
/// and its audit entry (the user's balance before and after) in the same transaction.
async fn admin_transfer(
    admin: &Require<Admin>,
    ctx: &AppContext,
    t: AdminTransfer<'_>,
) -> Result<Posted, AppError> {
    let mut metadata = t.metadata;
    metadata["request_id"] = json!(kernel::request_id::current());
    let txn = ctx.db.begin().await?;
    let before = ledger::balance(&txn, admin.tenant.id, t.user_id)
        .await?
        .available;
    let posted = ledger::transfer(
        &txn,
        NewTransfer {
            platform_id: admin.tenant.id,
            key: &t.key,
            kind: t.kind,
            from: t.from,
            to: t.to,
            amount: t.amount,
            hold_id: None,
            reason: t.reason,
            metadata,
            created_by: Some(admin.id),
        },
    )
    .await?;
    if posted.created {
        let after = ledger::balance(&txn, admin.tenant.id, t.user_id)
            .await?
            .available;
        audit::record(
            &txn,
            Audit::by(admin, t.action, "user", t.user_id).change(
                json!({"available": before}),
                json!({"available": after, "amount": t.signed_amount, "reason": t.reason,
                       "transfer_id": posted.transfer.id}),
            ),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(posted)
}

/// Proves this platform's ledger: every balance equals its transfers, the ledger sums to
/// zero, held balances equal pending holds (ADMIN+).
#[utoipa::path(tag = "tokens", security(("bearer" = [])), responses((status = 200, body = Reconciliation)))]
#[get("/reconcile")]
pub async fn reconcile(
    admin: Require<Admin>,
    ctx: web::Data<AppContext>,
) -> AppResult<web::Json<Reconciliation>> {
    // one consistent snapshot of balances and transfers
    let txn = ctx
        .db
        .begin_with_config(
            Some(IsolationLevel::RepeatableRead),
            Some(AccessMode::ReadOnly),
        )
        .await?;
    let result = ledger::reconcile::reconcile(&txn, admin.tenant.id).await?;
    txn.commit().await?;
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
    let rows = token_packs::Entity::find()
        .filter(token_packs::Column::PlatformId.eq(tenant.id))
        .order_by_asc(token_packs::Column::PricePaise)
        .all(&ctx.db)
        .await?;
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
    let b = body.into_inner();
    let now = Utc::now();
    let txn = ctx.db.begin().await?;
    let pack = token_packs::ActiveModel {
        id: Set(kernel::ids::new_id()),
        platform_id: Set(tenant.id),
        name: Set(b.name),
        tokens: Set(b.tokens),
        price_paise: Set(b.amount_paise),
        currency: Set("INR".into()),
        gst_inclusive: Set(b.gst_inclusive),
        active: Set(b.active),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        AppError::on_unique(
            e,
            &crate::error::codes::PACK_EXISTS,
            "name",
            "a pack with this name exists",
        )
    })?;
    audit::record(
        &txn,
        Audit::by(&admin, "token_pack.created", "token_pack", pack.id).after(pack_json(&pack)),
    )
    .await?;
    txn.commit().await?;
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
    let b = body.into_inner();
    let txn = ctx.db.begin().await?;
    let pack = token_packs::Entity::find_by_id(id.into_inner())
        .filter(token_packs::Column::PlatformId.eq(tenant.id))
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("no such token pack"))?;
    let before = pack_json(&pack);
    let mut active: token_packs::ActiveModel = pack.into();
    if let Some(v) = b.name {
        active.name = Set(v);
    }
    if let Some(v) = b.tokens {
        active.tokens = Set(v);
    }
    if let Some(v) = b.amount_paise {
        active.price_paise = Set(v);
    }
    if let Some(v) = b.gst_inclusive {
        active.gst_inclusive = Set(v);
    }
    if let Some(v) = b.active {
        active.active = Set(v);
    }
    active.updated_at = Set(Utc::now());
    let pack = active.update(&txn).await.map_err(|e| {
        AppError::on_unique(
            e,
            &crate::error::codes::PACK_EXISTS,
            "name",
            "a pack with this name exists",
        )
    })?;
    audit::record(
        &txn,
        Audit::by(&admin, "token_pack.updated", "token_pack", pack.id)
            .change(before, pack_json(&pack)),
    )
    .await?;
    txn.commit().await?;
    Ok(web::Json(pack.into()))
}

fn pack_json(p: &token_packs::Model) -> serde_json::Value {
    json!({"name": p.name, "tokens": p.tokens, "price_paise": p.price_paise,
           "gst_inclusive": p.gst_inclusive, "active": p.active})
}

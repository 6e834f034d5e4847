//! `/api/tokens`: the caller's balance, history and the packs on sale.

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use kernel::{
    AppContext, Tenant,
    auth::AuthUser,
    error::AppResult,
    pagination::{Page, PageParams},
};
use sea_orm::{
    ColumnTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, Statement, Value,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    dto::{HistoryLine, PackDto},
    entities::token_packs,
    ledger::{self, Balance},
};

/// The caller's balances.
#[utoipa::path(tag = "tokens", security(("bearer" = [])), responses((status = 200, body = Balance), (status = 401, body = kernel::error::Problem)))]
#[get("/balance")]
pub async fn balance(user: AuthUser, ctx: web::Data<AppContext>) -> AppResult<web::Json<Balance>> {
    Ok(web::Json(
        ledger::balance(&ctx.db, user.tenant.id, user.id).await?,
    ))
}

#[derive(Debug, FromQueryResult)]
struct LineRow {
    transfer_id: Uuid,
    kind: String,
    account: String,
    amount: i64,
    reason: String,
    metadata: serde_json::Value,
    created_at: DateTime<Utc>,
}

/// Keyset of the history: newest first, then transfer id, then account.
#[derive(Debug, Serialize, Deserialize)]
struct After(DateTime<Utc>, Uuid, String);

/// The caller's token history (one line per change of their available or held balance),
/// newest first.
#[utoipa::path(tag = "tokens", security(("bearer" = [])), params(PageParams), responses((status = 200, body = Page<HistoryLine>), (status = 422, body = kernel::error::Problem)))]
#[get("/transactions")]
pub async fn transactions(
    user: AuthUser,
    ctx: web::Data<AppContext>,
    page: web::Query<PageParams>,
) -> AppResult<web::Json<Page<HistoryLine>>> {
    let limit = page.0.limit()?;
    let after: Option<After> = page.0.after()?;
    let (at, id, account) = match after {
        Some(After(at, id, account)) => (Some(at), Some(id), Some(account)),
        None => (None, None, None),
    };
    let rows = LineRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT t.id AS transfer_id, t.kind,
                CASE a.kind WHEN 'user_available' THEN 'available' ELSE 'held' END AS account,
                CASE WHEN t.credit_account = a.id THEN t.amount ELSE -t.amount END AS amount,
                t.reason, t.metadata, t.created_at
           FROM ledger_accounts a
           JOIN ledger_transfers t ON a.id IN (t.debit_account, t.credit_account)
          WHERE a.platform_id = $1 AND a.owner_id = $2
            AND a.kind IN ('user_available', 'user_held')
            AND ($3::timestamptz IS NULL OR (t.created_at, t.id, a.kind) < ($3, $4, $5))
          ORDER BY t.created_at DESC, t.id DESC, a.kind DESC
          LIMIT $6",
        [
            user.tenant.id.into(),
            user.id.into(),
            at.map_or(Value::ChronoDateTimeUtc(None), Into::into),
            id.map_or(Value::Uuid(None), Into::into),
            account
                .map(|a| {
                    if a == "available" {
                        "user_available"
                    } else {
                        "user_held"
                    }
                })
                .unwrap_or_default()
                .into(),
            i64::try_from(limit + 1).unwrap_or(i64::MAX).into(),
        ],
    ))
    .all(&ctx.db)
    .await?;
    let page = Page::from_rows(rows, limit, |r| {
        After(r.created_at, r.transfer_id, r.account.clone())
    });
    Ok(web::Json(page.map(|r| HistoryLine {
        transfer_id: r.transfer_id,
        kind: r.kind,
        account: r.account,
        amount: r.amount,
        reason: r.reason,
        metadata: r.metadata,
        created_at: r.created_at,
    })))
}

/// The packs on sale on this platform, cheapest first.
#[utoipa::path(tag = "tokens", security(("bearer" = [])), responses((status = 200, body = Vec<PackDto>)))]
#[get("/packs")]
pub async fn packs(
    _user: AuthUser,
    tenant: Tenant,
    ctx: web::Data<AppContext>,
) -> AppResult<web::Json<Vec<PackDto>>> {
    let rows = token_packs::Entity::find()
        .filter(token_packs::Column::PlatformId.eq(tenant.id))
        .filter(token_packs::Column::Active.eq(true))
        .order_by_asc(token_packs::Column::PricePaise)
        .all(&ctx.db)
        .await?;
    Ok(web::Json(rows.into_iter().map(PackDto::from).collect()))
}

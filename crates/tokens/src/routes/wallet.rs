//! `/api/tokens`: the caller's balance, history and the packs on sale.

use actix_web::{get, web};
use kernel::{
    AppContext, Tenant,
    auth::AuthUser,
    error::AppResult,
    pagination::{Page, PageParams},
};

use crate::{
    dto::{HistoryLine, PackDto},
    ledger::{self, Balance, history},
};

/// The caller's balances.
#[utoipa::path(tag = "tokens", security(("bearer" = [])), responses((status = 200, body = Balance), (status = 401, body = kernel::error::Problem)))]
#[get("/balance")]
pub async fn balance(user: AuthUser, ctx: web::Data<AppContext>) -> AppResult<web::Json<Balance>> {
    Ok(web::Json(
        ledger::balance(&ctx.db, user.tenant.id, user.id).await?,
    ))
}

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
    let after: Option<history::After> = page.0.after()?;
    Ok(web::Json(
        history::page(&ctx.db, user.tenant.id, user.id, limit, after).await?,
    ))
}

/// The packs on sale on this platform, cheapest first.
#[utoipa::path(tag = "tokens", security(("bearer" = [])), responses((status = 200, body = Vec<PackDto>)))]
#[get("/packs")]
pub async fn packs(
    _user: AuthUser,
    tenant: Tenant,
    ctx: web::Data<AppContext>,
) -> AppResult<web::Json<Vec<PackDto>>> {
    let rows = crate::packs::on_sale(&ctx.db, tenant.id).await?;
    Ok(web::Json(rows.into_iter().map(PackDto::from).collect()))
}

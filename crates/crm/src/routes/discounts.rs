//! `/api/sales/discounts`: discounts on a lead's course deal with approval limits per role
//! (ADR 0076). Everyone on the sales desk proposes on leads they see; a sales head of the
//! lead's team (within their limit) or an admin approves or rejects what waits.

use actix_web::{HttpResponse, get, post, web};
use kernel::{
    auth::Require,
    error::{AppResult, Problem},
    extract::ValidJson,
};
use uuid::Uuid;

use crate::{
    Crm,
    dto::discounts::{DiscountDecision, DiscountDto, DiscountFilter, NewDiscount},
    service::{access::SalesDesk, discounts},
};

/// Proposes a discount (an amount in paise or a whole percent) on a lead's course deal. The
/// list price is the lead's course's price, else `list_price_paise`. Within the proposer's
/// limit on the course's price it is `approved` at once; above it, or on a stated
/// `list_price_paise`, it is `pending` for a sales head of the lead's team or an admin. 409 `discount_already_pending` while another waits; 404 for a lead outside the
/// caller's view.
#[utoipa::path(tag = "crm", security(("bearer" = [])), request_body = NewDiscount,
    responses((status = 201, body = DiscountDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("")]
pub async fn propose(
    user: Require<SalesDesk>,
    crm: web::Data<Crm>,
    body: ValidJson<NewDiscount>,
) -> AppResult<HttpResponse> {
    let out = discounts::propose(&crm.ctx().db, &user, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(out))
}

/// The discounts on leads the caller sees, newest first (at most 200): `lead_id` for one
/// lead's, `status=pending` for the approval queue.
#[utoipa::path(tag = "crm", security(("bearer" = [])), params(DiscountFilter),
    responses((status = 200, body = Vec<DiscountDto>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("")]
pub async fn list(
    user: Require<SalesDesk>,
    crm: web::Data<Crm>,
    filter: web::Query<DiscountFilter>,
) -> AppResult<web::Json<Vec<DiscountDto>>> {
    Ok(web::Json(
        discounts::list(&crm.ctx().db, &user, &filter).await?,
    ))
}

/// Approves a pending discount (audited, on the timeline). 403 `discount_own_proposal` for
/// its proposer, `discount_over_limit` above the caller's limit; 409
/// `discount_already_decided` when someone else decided first.
#[utoipa::path(tag = "crm", security(("bearer" = [])), params(("id" = Uuid, Path, description = "discount id")), request_body = DiscountDecision,
    responses((status = 200, body = DiscountDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/{id}/approve")]
pub async fn approve(
    user: Require<SalesDesk>,
    crm: web::Data<Crm>,
    id: web::Path<Uuid>,
    body: ValidJson<DiscountDecision>,
) -> AppResult<web::Json<DiscountDto>> {
    Ok(web::Json(
        discounts::decide(
            &crm.ctx().db,
            &user,
            id.into_inner(),
            true,
            body.into_inner(),
        )
        .await?,
    ))
}

/// Rejects a pending discount with a `reason` (audited, on the timeline); the same checks
/// as approving.
#[utoipa::path(tag = "crm", security(("bearer" = [])), params(("id" = Uuid, Path, description = "discount id")), request_body = DiscountDecision,
    responses((status = 200, body = DiscountDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/{id}/reject")]
pub async fn reject(
    user: Require<SalesDesk>,
    crm: web::Data<Crm>,
    id: web::Path<Uuid>,
    body: ValidJson<DiscountDecision>,
) -> AppResult<web::Json<DiscountDto>> {
    Ok(web::Json(
        discounts::decide(
            &crm.ctx().db,
            &user,
            id.into_inner(),
            false,
            body.into_inner(),
        )
        .await?,
    ))
}

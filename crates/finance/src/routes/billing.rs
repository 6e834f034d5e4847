//! `/api/finance/billing-profile`: the signed-in buyer's billing details.

use actix_web::{get, put, web};
use kernel::{auth::AuthUser, error::AppResult, extract::ValidJson};

use crate::{
    Finance, FinanceError,
    dto::billing::{BillingProfileDto, BillingProfileUpdate},
    service::billing,
};

/// The caller's billing profile; 404 until they set one.
#[utoipa::path(tag = "finance", security(("bearer" = [])),
    responses((status = 200, body = BillingProfileDto), (status = 401, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem)))]
#[get("/billing-profile")]
pub async fn get_profile(
    user: AuthUser,
    finance: web::Data<Finance>,
) -> AppResult<web::Json<BillingProfileDto>> {
    let row = billing::find(&finance.ctx().db, user.tenant.id, user.id)
        .await?
        .ok_or(FinanceError::NotFound("billing profile"))?;
    Ok(web::Json(row.into()))
}

/// Sets the caller's billing profile for their future invoices (issued invoices never
/// change). A GSTIN whose format or check character is wrong is 422 on `gstin`; a state code
/// that is not the GSTIN's is 422 on `state_code`.
#[utoipa::path(tag = "finance", security(("bearer" = [])), request_body = BillingProfileUpdate,
    responses((status = 200, body = BillingProfileDto), (status = 401, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[put("/billing-profile")]
pub async fn put_profile(
    user: AuthUser,
    finance: web::Data<Finance>,
    body: ValidJson<BillingProfileUpdate>,
) -> AppResult<web::Json<BillingProfileDto>> {
    let row = billing::set(&finance.ctx().db, &user, body.into_inner()).await?;
    Ok(web::Json(row.into()))
}

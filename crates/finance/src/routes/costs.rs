//! `/api/finance/costs`: costs of the pipeline other than the AI calls (FINANCE or ADMIN).

use actix_web::{HttpResponse, post, web};
use kernel::{
    auth::{Finance as FinanceCap, Require},
    error::AppResult,
    extract::ValidJson,
};

use crate::{
    Finance,
    dto::costs::{CostDto, CostRequest},
    service::costs,
};

/// Records a cost (infrastructure, vendor, salaries, marketing, other) in paise on the IST day
/// it was incurred, posts it to the finance ledger (`costs` against `payables`) and audits it
/// (`finance.cost.recorded`). A day more than a year from today is 422 on `incurred_on`.
#[utoipa::path(tag = "finance", security(("bearer" = [])), request_body = CostRequest,
    responses((status = 201, body = CostDto), (status = 403, body = kernel::error::Problem),
        (status = 422, body = kernel::error::Problem)))]
#[post("/costs")]
pub async fn create(
    user: Require<FinanceCap>,
    finance: web::Data<Finance>,
    body: ValidJson<CostRequest>,
) -> AppResult<HttpResponse> {
    let cost = costs::record(&finance.ctx().db, &user, body.into_inner()).await?;
    tracing::info!(cost_id = %cost.id, "cost recorded");
    Ok(HttpResponse::Created().json(cost))
}

//! `GET /api/admin/ai-calls` (every attempt, newest first) and `GET /api/admin/ai-usage`
//! (a month's cost per agent, for finance's pipeline cost). ADMIN of the platform.

use actix_web::{get, web};
use kernel::{
    auth::{Admin, Require},
    error::{AppResult, Problem},
    extract::ValidQuery,
    pagination::{Page, PageParams},
};

use crate::{
    Integrations,
    dto::ai::{CallDto, CallFilter, UsageDto, UsageQuery},
    entities::kinds::Agent,
    service::calls as records,
};

/// The platform's recorded LLM attempts, newest first.
#[utoipa::path(tag = "ai", security(("bearer" = [])), params(CallFilter),
    responses(
        (status = 200, body = Page<CallDto>),
        (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`agent`, `limit` or `cursor` is invalid", body = Problem, content_type = "application/problem+json")))]
#[get("")]
pub async fn calls(
    admin: Require<Admin>,
    state: web::Data<Integrations>,
    filter: ValidQuery<CallFilter>,
) -> AppResult<web::Json<Page<CallDto>>> {
    let filter = filter.0;
    let params = PageParams {
        limit: filter.limit,
        cursor: filter.cursor,
    };
    let agent = filter.agent.as_deref().and_then(Agent::parse_recorded);
    let page = records::list(&state.ctx.db, &admin.tenant, agent, &params).await?;
    Ok(web::Json(page.map(CallDto::from)))
}

/// A month's LLM cost and tokens per agent, with the platform's budget.
#[utoipa::path(tag = "ai", security(("bearer" = [])), params(UsageQuery),
    responses(
        (status = 200, body = UsageDto),
        (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`month` is not `YYYY-MM`", body = Problem, content_type = "application/problem+json")))]
#[get("")]
pub async fn usage(
    admin: Require<Admin>,
    state: web::Data<Integrations>,
    query: ValidQuery<UsageQuery>,
) -> AppResult<web::Json<UsageDto>> {
    let summary =
        records::month_usage(&state.ctx.db, &admin.tenant, query.0.month.as_deref()).await?;
    Ok(web::Json(summary.into()))
}

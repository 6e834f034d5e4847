//! `/api/mentors/me/availability-rules`: an approved mentor's weekly availability, from
//! which open slots are generated `SLOT_GENERATION_DAYS` ahead (at once, and daily).

use actix_web::{HttpResponse, delete, get, post, web};
use kernel::{
    AppContext,
    auth::{Expert, Require},
    error::AppResult,
    extract::ValidJson,
};
use uuid::Uuid;

use crate::{
    dto::rules::{CreatedRule, NewRule, RuleDto, RuleList},
    service::rules,
};

/// Adds a weekly rule (EXPERT) and opens its slots at once; slots overlapping existing ones
/// are skipped. An identical rule is 409 `rule_exists`.
#[utoipa::path(tag = "mentorship", security(("bearer" = [])), request_body = NewRule,
    responses((status = 201, body = CreatedRule), (status = 403, body = kernel::error::Problem), (status = 409, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[post("/me/availability-rules")]
pub async fn create(
    mentor: Require<Expert>,
    ctx: web::Data<AppContext>,
    body: ValidJson<NewRule>,
) -> AppResult<HttpResponse> {
    let made = rules::create(&ctx.db, mentor.tenant.id, mentor.id, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(made))
}

/// The caller's weekly rules (EXPERT).
#[utoipa::path(tag = "mentorship", security(("bearer" = [])), responses((status = 200, body = RuleList)))]
#[get("/me/availability-rules")]
pub async fn list(
    mentor: Require<Expert>,
    ctx: web::Data<AppContext>,
) -> AppResult<web::Json<RuleList>> {
    let items = rules::list(&ctx.db, mentor.tenant.id, mentor.id).await?;
    Ok(web::Json(RuleList {
        items: items.into_iter().map(RuleDto::from).collect(),
        next_cursor: None,
    }))
}

/// Deletes one of the caller's rules and its future open slots (booked slots stay).
#[utoipa::path(tag = "mentorship", security(("bearer" = [])), responses((status = 204), (status = 404, body = kernel::error::Problem)))]
#[delete("/me/availability-rules/{id}")]
pub async fn remove(
    mentor: Require<Expert>,
    ctx: web::Data<AppContext>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    rules::delete(&ctx.db, mentor.tenant.id, mentor.id, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

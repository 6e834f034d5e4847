//! `/api/graphy`: Graphy (Mr. Learn) sync configs (CRUD, run now, runs) and the read-only
//! proxy of the admin screens (`learners`, `courses`). ADMIN of the platform; another
//! platform's config answers 404 like a missing one.

use actix_web::{get, web};
use kernel::{
    auth::{Admin, Require},
    error::{AppResult, Problem},
    extract::ValidQuery,
};

use crate::{
    dto::sync_runs::{ProxyPage, ProxyQuery},
    service::sync::proxy,
    sync::{ExternalSync, SyncKind, graphy},
};

const KIND: SyncKind = SyncKind::Mrlearn;

super::sync_configs::sync_config_routes!("graphy");

/// Graphy's learners (`GET /v1/learners`) with the config's key; `search` filters by text.
#[utoipa::path(tag = "graphy", security(("bearer" = [])), params(ProxyQuery),
    responses(
        (status = 200, body = ProxyPage),
        (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`sync_config_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "a query parameter is out of its limits", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "`external_api_error`: Graphy failed", body = Problem, content_type = "application/problem+json")))]
#[get("/learners")]
pub async fn learners(
    admin: Require<Admin>,
    sync: web::Data<ExternalSync>,
    query: ValidQuery<ProxyQuery>,
) -> AppResult<web::Json<ProxyPage>> {
    let page = proxy::list(&sync, &admin.tenant, KIND, graphy::LEARNERS, &query.0).await?;
    Ok(web::Json(page))
}

/// Graphy's courses (`GET /v1/courses`) with the config's key.
#[utoipa::path(tag = "graphy", security(("bearer" = [])), params(ProxyQuery),
    responses(
        (status = 200, body = ProxyPage),
        (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`sync_config_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "a query parameter is out of its limits", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "`external_api_error`: Graphy failed", body = Problem, content_type = "application/problem+json")))]
#[get("/courses")]
pub async fn courses(
    admin: Require<Admin>,
    sync: web::Data<ExternalSync>,
    query: ValidQuery<ProxyQuery>,
) -> AppResult<web::Json<ProxyPage>> {
    let page = proxy::list(&sync, &admin.tenant, KIND, graphy::COURSES, &query.0).await?;
    Ok(web::Json(page))
}

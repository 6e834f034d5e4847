//! `/api/ezexam`: EzExam (Mr. Test) sync configs (CRUD, run now, runs) and the read-only
//! proxy of the admin screens (`exams`, an exam's `results`). ADMIN of the platform; another
//! platform's config answers 404 like a missing one.

use actix_web::{get, web};
use kernel::{
    auth::{Admin, Require},
    error::{AppResult, Problem},
    extract::ValidQuery,
};

use crate::{
    IntegrationsError,
    dto::{
        sync::valid_outside_id,
        sync_runs::{ProxyPage, ProxyQuery},
    },
    service::sync::proxy,
    sync::{ExternalSync, SyncKind, ezexam},
};

const KIND: SyncKind = SyncKind::Mrtest;

super::sync_configs::sync_config_routes!("ezexam");

/// EzExam's exams (`GET /v1/exams`) with the config's key.
#[utoipa::path(tag = "ezexam", security(("bearer" = [])), params(ProxyQuery),
    responses(
        (status = 200, body = ProxyPage),
        (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`sync_config_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "a query parameter is out of its limits", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "`external_api_error`: EzExam failed", body = Problem, content_type = "application/problem+json")))]
#[get("/exams")]
pub async fn exams(
    admin: Require<Admin>,
    sync: web::Data<ExternalSync>,
    query: ValidQuery<ProxyQuery>,
) -> AppResult<web::Json<ProxyPage>> {
    let page = proxy::list(&sync, &admin.tenant, KIND, ezexam::EXAMS, &query.0).await?;
    Ok(web::Json(page))
}

/// One exam's results (`GET /v1/exams/{exam_id}/results`) with the config's key.
#[utoipa::path(tag = "ezexam", security(("bearer" = [])),
    params(("exam_id" = String, Path, description = "EzExam's exam id: 1-64 of `[A-Za-z0-9_-]`", max_length = 64, pattern = "^[A-Za-z0-9_-]{1,64}$"), ProxyQuery),
    responses(
        (status = 200, body = ProxyPage),
        (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`sync_config_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`exam_id` or a query parameter is out of its limits", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "`external_api_error`: EzExam failed", body = Problem, content_type = "application/problem+json")))]
#[get("/exams/{exam_id}/results")]
pub async fn results(
    admin: Require<Admin>,
    sync: web::Data<ExternalSync>,
    exam_id: web::Path<String>,
    query: ValidQuery<ProxyQuery>,
) -> AppResult<web::Json<ProxyPage>> {
    if !valid_outside_id(&exam_id) {
        return Err(IntegrationsError::Invalid(
            "exam_id".into(),
            "must be 1-64 of [A-Za-z0-9_-]".into(),
        )
        .into());
    }
    let path = ezexam::results_path(&exam_id);
    let page = proxy::list(&sync, &admin.tenant, KIND, &path, &query.0).await?;
    Ok(web::Json(page))
}

//! `/api/admin/workflows`: versioned workflows and their run history (ADMIN).

use actix_web::{HttpResponse, get, post, put, web};
use kernel::{
    auth::{Admin, Require},
    error::{AppResult, Problem},
    extract::ValidJson,
    pagination::{Page, PageParams},
};
use uuid::Uuid;

use crate::{
    Crm,
    dto::workflows::{NewWorkflow, RunDto, VersionDto, WorkflowDraft, WorkflowDto},
    service::workflows,
};

/// Creates a workflow: a trigger and steps, a draft until published.
#[utoipa::path(tag = "crm", security(("bearer" = [])), request_body = NewWorkflow,
    responses((status = 201, body = WorkflowDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("")]
pub async fn create(
    admin: Require<Admin>,
    crm: web::Data<Crm>,
    body: ValidJson<NewWorkflow>,
) -> AppResult<HttpResponse> {
    let wf = workflows::create(&crm.ctx().db, &admin, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(wf))
}

/// Replaces the draft (published versions and their runs are untouched).
#[utoipa::path(tag = "crm", security(("bearer" = [])), params(("id" = Uuid, Path, description = "workflow id")), request_body = WorkflowDraft,
    responses((status = 200, body = WorkflowDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[put("/{id}")]
pub async fn update(
    admin: Require<Admin>,
    crm: web::Data<Crm>,
    id: web::Path<Uuid>,
    body: ValidJson<WorkflowDraft>,
) -> AppResult<web::Json<WorkflowDto>> {
    Ok(web::Json(
        workflows::update(&crm.ctx().db, &admin, id.into_inner(), body.into_inner()).await?,
    ))
}

/// Publishes the draft as the next immutable version: new runs use it, running runs finish
/// on the version they started with.
#[utoipa::path(tag = "crm", security(("bearer" = [])), params(("id" = Uuid, Path, description = "workflow id")),
    responses((status = 201, body = VersionDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[post("/{id}/publish")]
pub async fn publish(
    admin: Require<Admin>,
    crm: web::Data<Crm>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let v = workflows::publish(&crm.ctx().db, &admin, id.into_inner()).await?;
    Ok(HttpResponse::Created().json(v))
}

/// The workflow's runs, newest first: version, status, error, and each step's status,
/// attempts, output and error.
#[utoipa::path(tag = "crm", security(("bearer" = [])), params(("id" = Uuid, Path, description = "workflow id"), PageParams),
    responses((status = 200, body = Page<RunDto>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/{id}/runs")]
pub async fn runs(
    admin: Require<Admin>,
    crm: web::Data<Crm>,
    id: web::Path<Uuid>,
    page: web::Query<PageParams>,
) -> AppResult<web::Json<Page<RunDto>>> {
    Ok(web::Json(
        workflows::runs(&crm.ctx().db, &admin, id.into_inner(), &page).await?,
    ))
}

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
    dto::workflows::{NewWorkflow, RunDto, RunQueued, VersionDto, WorkflowDraft, WorkflowDto},
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

/// Retries a failed run from its failed step; 202 when the step is queued. Steps done before
/// are not run again, and the effect ledger keeps any effect from being repeated. A run that
/// is not failed is 422 on `status`.
#[utoipa::path(tag = "crm", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "workflow id"), ("rid" = Uuid, Path, description = "run id")),
    responses((status = 202, body = RunQueued), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/{id}/runs/{rid}/retry")]
pub async fn retry(
    admin: Require<Admin>,
    crm: web::Data<Crm>,
    ids: web::Path<(Uuid, Uuid)>,
) -> AppResult<HttpResponse> {
    let (id, rid) = ids.into_inner();
    let again = workflows::retry_run(&crm.ctx().db, &admin, id, rid).await?;
    crate::workers::queue_step_as(
        &crm,
        &admin.tenant.slug,
        again.run_id,
        again.step_id.clone(),
        &again.job_id,
    )
    .await?;
    Ok(HttpResponse::Accepted().json(RunQueued {
        run_id: again.run_id,
        step_id: again.step_id,
    }))
}

/// Cancels a running run: no further step runs. A run that is not running is 422 on
/// `status`.
#[utoipa::path(tag = "crm", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "workflow id"), ("rid" = Uuid, Path, description = "run id")),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/{id}/runs/{rid}/cancel")]
pub async fn cancel(
    admin: Require<Admin>,
    crm: web::Data<Crm>,
    ids: web::Path<(Uuid, Uuid)>,
) -> AppResult<HttpResponse> {
    let (id, rid) = ids.into_inner();
    workflows::cancel_run(&crm.ctx().db, &admin, id, rid).await?;
    Ok(HttpResponse::NoContent().finish())
}

//! `/api/admin/queues`: the JSON API behind the dashboard (SUPERADMIN, or the `ops`
//! capability for the jobs of the user's own platform; see [`super::service::Viewer`]).

use actix_web::{HttpResponse, delete, get, post, web};
use kernel::routes::ServiceConfig;
use kernel::{
    auth::{Ops, Require},
    error::AppResult,
    extract::{ValidJson, ValidQuery},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::service::{self, JobPage, JobView, QueueSummary, Viewer, queue_spec};
use crate::{Jobs, dlq::DeadLetter};

/// Mounts the JSON API.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_queues)
        .service(get_queue)
        .service(list_jobs)
        .service(get_job)
        .service(retry_job)
        .service(remove_job)
        .service(retry_all)
        .service(clean)
        .service(pause)
        .service(resume)
        .service(list_dead_letters)
        .service(replay_dead_letter)
        .service(replay_all_dead_letters);
}

/// Which jobs to list.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JobsQuery {
    /// One of waiting, active, delayed, prioritized, completed, failed, waiting-children.
    #[param(value_type = super::service::JobState, inline)]
    pub state: String,
    /// Offset (default 0).
    #[serde(default)]
    #[param(format = Int64, minimum = 0, maximum = 4_294_967_295_u32)]
    pub start: u32,
    /// Page size, 1-200 (default 50).
    #[serde(default = "default_limit")]
    #[validate(range(min = 1, max = 200))]
    #[param(minimum = 1, maximum = 200)]
    pub limit: u32,
}

/// A page of dead letters.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Offset (default 0).
    #[serde(default)]
    #[param(format = Int64, minimum = 0, maximum = 4_294_967_295_u32)]
    pub start: u32,
    /// Page size, 1-200 (default 50).
    #[serde(default = "default_limit")]
    #[validate(range(min = 1, max = 200))]
    #[param(minimum = 1, maximum = 200)]
    pub limit: u32,
}

fn default_limit() -> u32 {
    50
}

/// Which jobs `clean` removes.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct CleanRequest {
    /// completed, failed, delayed, waiting or prioritized.
    #[schema(schema_with = super::service::cleanable_schema)]
    pub state: String,
    /// Only jobs older than this many milliseconds (default 0: all).
    #[serde(default)]
    #[validate(range(max = 9_223_372_036_854_775_807_u64))]
    #[schema(minimum = 0)]
    pub grace_ms: u64,
    /// At most this many jobs, 0 for no limit (default 0).
    #[serde(default)]
    #[schema(format = Int64, minimum = 0, maximum = 4_294_967_295_u32)]
    pub limit: u32,
}

/// How many jobs an action touched.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Affected {
    /// Jobs affected.
    pub count: u64,
}

/// The job a dead letter was replayed as.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Replayed {
    /// Id of the new job on the original queue.
    pub job_id: String,
}

/// Every queue with its counts by state.
#[utoipa::path(tag = "queues", security(("bearer" = [])), responses((status = 200, body = Vec<QueueSummary>), (status = 401, body = kernel::error::Problem), (status = 403, body = kernel::error::Problem)))]
#[get("/api/admin/queues")]
async fn list_queues(
    _user: Require<Ops>,
    jobs: web::Data<Jobs>,
) -> AppResult<web::Json<Vec<QueueSummary>>> {
    Ok(web::Json(service::summaries(&jobs).await?))
}

/// One queue with its counts by state.
#[utoipa::path(tag = "queues", security(("bearer" = [])), responses((status = 200, body = QueueSummary), (status = 404, body = kernel::error::Problem)))]
#[get("/api/admin/queues/{queue}")]
async fn get_queue(
    _user: Require<Ops>,
    jobs: web::Data<Jobs>,
    queue: web::Path<String>,
) -> AppResult<web::Json<QueueSummary>> {
    let spec = queue_spec(&queue)?;
    Ok(web::Json(service::summary(&jobs, spec).await?))
}

/// A page of a queue's jobs in one state, newest first.
#[utoipa::path(tag = "queues", security(("bearer" = [])), params(JobsQuery), responses((status = 200, body = JobPage), (status = 422, body = kernel::error::Problem)))]
#[get("/api/admin/queues/{queue}/jobs")]
async fn list_jobs(
    user: Require<Ops>,
    jobs: web::Data<Jobs>,
    queue: web::Path<String>,
    query: ValidQuery<JobsQuery>,
) -> AppResult<web::Json<JobPage>> {
    let spec = queue_spec(&queue)?;
    let q = query.0;
    Ok(web::Json(
        service::list(&jobs, &Viewer::of(&user), spec, &q.state, q.start, q.limit).await?,
    ))
}

/// One job with its data, state, attempts and error.
#[utoipa::path(tag = "queues", security(("bearer" = [])), responses((status = 200, body = JobView), (status = 404, body = kernel::error::Problem)))]
#[get("/api/admin/queues/{queue}/jobs/{job_id}")]
async fn get_job(
    user: Require<Ops>,
    jobs: web::Data<Jobs>,
    path: web::Path<(String, String)>,
) -> AppResult<web::Json<JobView>> {
    let (queue, id) = path.into_inner();
    let spec = queue_spec(&queue)?;
    Ok(web::Json(
        service::get(&jobs, &Viewer::of(&user), spec, &id).await?,
    ))
}

/// Moves a failed job back to waiting with fresh attempts.
#[utoipa::path(tag = "queues", security(("bearer" = [])), responses((status = 200, body = JobView), (status = 404, body = kernel::error::Problem), (status = 409, body = kernel::error::Problem)))]
#[post("/api/admin/queues/{queue}/jobs/{job_id}/retry")]
async fn retry_job(
    user: Require<Ops>,
    jobs: web::Data<Jobs>,
    path: web::Path<(String, String)>,
) -> AppResult<web::Json<JobView>> {
    let (queue, id) = path.into_inner();
    let spec = queue_spec(&queue)?;
    Ok(web::Json(
        service::retry(&jobs, &Viewer::of(&user), spec, &id).await?,
    ))
}

/// Removes a job that is not being processed.
#[utoipa::path(tag = "queues", security(("bearer" = [])), responses((status = 204), (status = 404, body = kernel::error::Problem), (status = 409, description = "`job_active` (being processed) or `job_scheduled` (the next run of a schedule)", body = kernel::error::Problem)))]
#[delete("/api/admin/queues/{queue}/jobs/{job_id}")]
async fn remove_job(
    user: Require<Ops>,
    jobs: web::Data<Jobs>,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (queue, id) = path.into_inner();
    let spec = queue_spec(&queue)?;
    service::remove(&jobs, &Viewer::of(&user), spec, &id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Moves every failed job of the queue back to waiting.
#[utoipa::path(tag = "queues", security(("bearer" = [])), responses((status = 200, body = Affected), (status = 404, body = kernel::error::Problem)))]
#[post("/api/admin/queues/{queue}/retry")]
async fn retry_all(
    user: Require<Ops>,
    jobs: web::Data<Jobs>,
    queue: web::Path<String>,
) -> AppResult<web::Json<Affected>> {
    let spec = queue_spec(&queue)?;
    let count = service::retry_all(&jobs, &Viewer::of(&user), spec).await?;
    Ok(web::Json(Affected { count }))
}

/// Removes the queue's jobs of one state (older than `grace_ms`).
#[utoipa::path(tag = "queues", security(("bearer" = [])), request_body = CleanRequest, responses((status = 200, body = Affected), (status = 422, body = kernel::error::Problem)))]
#[post("/api/admin/queues/{queue}/clean")]
async fn clean(
    user: Require<Ops>,
    jobs: web::Data<Jobs>,
    queue: web::Path<String>,
    body: ValidJson<CleanRequest>,
) -> AppResult<web::Json<Affected>> {
    let spec = queue_spec(&queue)?;
    let b = body.into_inner();
    let count = service::clean(
        &jobs,
        &Viewer::of(&user),
        spec,
        &b.state,
        b.grace_ms,
        b.limit,
    )
    .await?;
    Ok(web::Json(Affected {
        count: count as u64,
    }))
}

/// Pauses the queue: no worker of any replica takes new jobs from it.
#[utoipa::path(tag = "queues", security(("bearer" = [])), responses((status = 200, body = QueueSummary)))]
#[post("/api/admin/queues/{queue}/pause")]
async fn pause(
    user: Require<Ops>,
    jobs: web::Data<Jobs>,
    queue: web::Path<String>,
) -> AppResult<web::Json<QueueSummary>> {
    let spec = queue_spec(&queue)?;
    Ok(web::Json(
        service::set_paused(&jobs, &Viewer::of(&user), spec, true).await?,
    ))
}

/// Resumes a paused queue.
#[utoipa::path(tag = "queues", security(("bearer" = [])), responses((status = 200, body = QueueSummary)))]
#[post("/api/admin/queues/{queue}/resume")]
async fn resume(
    user: Require<Ops>,
    jobs: web::Data<Jobs>,
    queue: web::Path<String>,
) -> AppResult<web::Json<QueueSummary>> {
    let spec = queue_spec(&queue)?;
    Ok(web::Json(
        service::set_paused(&jobs, &Viewer::of(&user), spec, false).await?,
    ))
}

/// The queue's dead letters (jobs that exhausted their attempts), newest first.
#[utoipa::path(tag = "queues", security(("bearer" = [])), params(PageQuery), responses((status = 200, body = Vec<DeadLetter>)))]
#[get("/api/admin/queues/{queue}/dead-letters")]
async fn list_dead_letters(
    user: Require<Ops>,
    jobs: web::Data<Jobs>,
    queue: web::Path<String>,
    query: ValidQuery<PageQuery>,
) -> AppResult<web::Json<Vec<DeadLetter>>> {
    let spec = queue_spec(&queue)?;
    let q = query.0;
    Ok(web::Json(
        service::dead_letters(&jobs, &Viewer::of(&user), spec, q.start, q.limit).await?,
    ))
}

/// Puts a dead letter back on its queue as a new job with fresh attempts.
#[utoipa::path(tag = "queues", security(("bearer" = [])), responses((status = 200, body = Replayed), (status = 404, body = kernel::error::Problem)))]
#[post("/api/admin/queues/{queue}/dead-letters/{job_id}/replay")]
async fn replay_dead_letter(
    user: Require<Ops>,
    jobs: web::Data<Jobs>,
    path: web::Path<(String, String)>,
) -> AppResult<web::Json<Replayed>> {
    let (queue, id) = path.into_inner();
    let spec = queue_spec(&queue)?;
    let job_id = service::replay(&jobs, &Viewer::of(&user), spec, &id).await?;
    Ok(web::Json(Replayed { job_id }))
}

/// Replays every dead letter of the queue.
#[utoipa::path(tag = "queues", security(("bearer" = [])), responses((status = 200, body = Affected)))]
#[post("/api/admin/queues/{queue}/dead-letters/replay")]
async fn replay_all_dead_letters(
    user: Require<Ops>,
    jobs: web::Data<Jobs>,
    queue: web::Path<String>,
) -> AppResult<web::Json<Affected>> {
    let spec = queue_spec(&queue)?;
    let count = service::replay_all(&jobs, &Viewer::of(&user), spec).await?;
    Ok(web::Json(Affected {
        count: count as u64,
    }))
}

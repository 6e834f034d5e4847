//! `/api/admin/job-posts` and `/api/admin/job-templates` (HR or ADMIN).

use actix_web::{HttpResponse, get, patch, post, web};
use kernel::{
    auth::{Hr, Require},
    error::AppResult,
    extract::ValidJson,
    pagination::{Page, PageParams},
};
use uuid::Uuid;

use crate::{
    Hire,
    dto::impact::{ImpactQuery, ImpactReport},
    dto::posts::{JobPostDto, JobPostList, JobPostUpdate, JobTemplateList, NewJobPost},
    dto::templates::JobTemplateQuery,
    service::posts::{self, PostKey},
};

/// Creates a job post (HR/ADMIN): a draft unless `status` says `open`, which publishes it.
/// Its stages come from the family's stage template.
#[utoipa::path(tag = "hire", security(("bearer" = [])), request_body = NewJobPost,
    responses((status = 201, body = JobPostDto), (status = 401, body = kernel::error::Problem),
        (status = 403, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[post("")]
pub async fn create(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
    body: ValidJson<NewJobPost>,
) -> AppResult<HttpResponse> {
    let post = posts::create(&hire.ctx().db, hr.tenant.id, hr.id, body.into_inner()).await?;
    tracing::info!(post = %post.id, user = %hr.id, "job post created");
    Ok(HttpResponse::Created().json(posts::dto(post)))
}

/// Every job post of the platform, drafts and closed ones included, newest first.
#[utoipa::path(tag = "hire", security(("bearer" = [])), params(PageParams),
    responses((status = 200, body = JobPostList), (status = 422, body = kernel::error::Problem)))]
#[get("")]
pub async fn list(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
    page: web::Query<PageParams>,
) -> AppResult<web::Json<JobPostList>> {
    let limit = page.limit()?;
    let after = page.after::<PostKey>()?;
    let rows = posts::all_page(&hire.ctx().db, hr.tenant.id, after, limit).await?;
    let page = Page::from_rows(rows, limit, |p| (p.created_at, p.id)).map(posts::dto);
    Ok(web::Json(JobPostList {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// One job post of the platform, any status.
#[utoipa::path(tag = "hire", security(("bearer" = [])),
    responses((status = 200, body = JobPostDto), (status = 404, body = kernel::error::Problem)))]
#[get("/{id}")]
pub async fn detail(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<JobPostDto>> {
    let post = posts::find(&hire.ctx().db, hr.tenant.id, *id).await?;
    Ok(web::Json(posts::dto(post)))
}

/// Changes a job post: its title, description or status (`open` publishes, `closed` stops
/// applications; a published post never returns to draft).
#[utoipa::path(tag = "hire", security(("bearer" = [])), request_body = JobPostUpdate,
    responses((status = 200, body = JobPostDto), (status = 404, body = kernel::error::Problem),
        (status = 422, body = kernel::error::Problem)))]
#[patch("/{id}")]
pub async fn update(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
    id: web::Path<Uuid>,
    body: ValidJson<JobPostUpdate>,
) -> AppResult<web::Json<JobPostDto>> {
    let post = posts::update(&hire.ctx().db, hr.tenant.id, *id, body.into_inner()).await?;
    Ok(web::Json(posts::dto(post)))
}

/// The job templates the platform can start from (seeded and its own), with their family's
/// current stages; `archived=true` adds its archived ones.
#[utoipa::path(tag = "hire", security(("bearer" = [])), params(JobTemplateQuery),
    responses((status = 200, body = JobTemplateList), (status = 422, body = kernel::error::Problem)))]
#[get("")]
pub async fn templates(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
    query: web::Query<JobTemplateQuery>,
) -> AppResult<web::Json<JobTemplateList>> {
    Ok(web::Json(JobTemplateList {
        items: crate::service::templates::list(
            &hire.ctx().db,
            hr.tenant.id,
            query.archived.unwrap_or(false),
        )
        .await?,
    }))
}

/// The adverse-impact report of a post at a stage: per self-identified group, applicants,
/// how many ever reached the stage, the selection rate and its ratio to the best group's
/// (four-fifths rule), small samples flagged.
#[utoipa::path(tag = "hire", security(("bearer" = [])), params(ImpactQuery),
    responses((status = 200, body = ImpactReport), (status = 404, body = kernel::error::Problem),
        (status = 422, body = kernel::error::Problem)))]
#[get("/{id}/adverse-impact")]
pub async fn adverse_impact(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
    id: web::Path<Uuid>,
    query: kernel::extract::ValidQuery<ImpactQuery>,
) -> AppResult<web::Json<ImpactReport>> {
    Ok(web::Json(
        crate::service::impact::report(&hire.ctx().db, hr.tenant.id, *id, &query.0.stage).await?,
    ))
}

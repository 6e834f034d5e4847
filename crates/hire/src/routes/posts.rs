//! `/api/job-posts`: the public listing of open posts.

use actix_web::{get, web};
use kernel::{
    Tenant,
    error::AppResult,
    pagination::{Page, PageParams},
};
use uuid::Uuid;

use crate::{
    Hire,
    dto::posts::{JobPostDto, JobPostList},
    service::posts::{self, PostKey},
};

/// Open job posts of the platform, newest first (public).
#[utoipa::path(tag = "hire", params(PageParams),
    responses((status = 200, body = JobPostList), (status = 422, body = kernel::error::Problem)))]
#[get("")]
pub async fn list(
    tenant: Tenant,
    hire: web::Data<Hire>,
    page: web::Query<PageParams>,
) -> AppResult<web::Json<JobPostList>> {
    let limit = page.limit()?;
    let after = page.after::<PostKey>()?;
    let rows = posts::open_page(&hire.ctx().db, tenant.id, after, limit).await?;
    let rows: Vec<JobPostDto> = rows.into_iter().map(posts::dto).collect();
    let page = Page::from_rows(rows, limit, posts::open_key);
    Ok(web::Json(JobPostList {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// An open job post (public; drafts and closed posts are 404).
#[utoipa::path(tag = "hire",
    responses((status = 200, body = JobPostDto), (status = 404, body = kernel::error::Problem)))]
#[get("/{id}")]
pub async fn detail(
    tenant: Tenant,
    hire: web::Data<Hire>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<JobPostDto>> {
    Ok(web::Json(posts::dto(
        posts::find_open(&hire.ctx().db, tenant.id, *id).await?,
    )))
}

//! `/api/courses`: the public catalogue of published courses and a course's page.

use actix_web::{get, web};
use kernel::{
    Tenant,
    error::AppResult,
    pagination::{Page, PageParams},
};

use crate::{
    Lms,
    dto::courses::{CourseDetail, CourseList},
    service::catalogue::{self, CatalogueKey},
};

/// Published courses of the platform with their modules, newest first (public).
#[utoipa::path(tag = "lms", params(PageParams),
    responses((status = 200, body = CourseList), (status = 422, body = kernel::error::Problem)))]
#[get("")]
pub async fn list(
    tenant: Tenant,
    lms: web::Data<Lms>,
    query: web::Query<PageParams>,
) -> AppResult<web::Json<CourseList>> {
    let limit = query.limit()?;
    let after = query.after::<CatalogueKey>()?;
    let rows = catalogue::page(&lms.ctx().db, lms.storage(), tenant.id, after, limit).await?;
    let page = Page::from_rows(rows, limit, |(_, key)| *key).map(|(c, _)| c);
    Ok(web::Json(CourseList {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// A published course's page by slug (public): the course and the outline of its modules
/// and items (titles and kinds; the content, and the ids of quizzes, are for enrolled
/// students).
#[utoipa::path(tag = "lms",
    responses((status = 200, body = CourseDetail), (status = 404, body = kernel::error::Problem)))]
#[get("/{slug}")]
pub async fn course_page(
    tenant: Tenant,
    lms: web::Data<Lms>,
    slug: web::Path<String>,
) -> AppResult<web::Json<CourseDetail>> {
    Ok(web::Json(
        catalogue::by_slug(&lms.ctx().db, lms.storage(), tenant.id, &slug).await?,
    ))
}

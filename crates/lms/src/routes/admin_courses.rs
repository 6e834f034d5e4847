//! `/api/admin/courses`: courses, their modules and content items, and batches (ADMIN).

use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use kernel::{
    AppContext,
    auth::{Admin, Require},
    error::AppResult,
    extract::ValidJson,
    pagination::{Page, PageParams},
};
use uuid::Uuid;

use crate::{
    Lms,
    dto::courses::{
        BatchDto, BatchList, CourseDetail, CourseDto, CourseUpdate, ItemDto, NewBatch, NewCourse,
        NewItem, NewModule,
    },
    service::{batches, courses, progress},
};

/// Creates a course (ADMIN): a draft unless `published`. A slug the platform has is 409
/// `slug_taken`.
#[utoipa::path(tag = "lms", security(("bearer" = [])), request_body = NewCourse,
    responses((status = 201, body = CourseDto), (status = 409, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[post("")]
pub async fn create(
    admin: Require<Admin>,
    lms: web::Data<Lms>,
    body: ValidJson<NewCourse>,
) -> AppResult<HttpResponse> {
    let course =
        courses::create(&lms.ctx().db, admin.tenant.id, admin.id, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(courses::dto(lms.storage(), course).await))
}

/// Every course of the platform, drafts included, newest first (ADMIN).
#[utoipa::path(tag = "lms", security(("bearer" = [])), params(PageParams),
    responses((status = 200, body = Page<CourseDto>), (status = 422, body = kernel::error::Problem)))]
#[get("")]
pub async fn list(
    admin: Require<Admin>,
    lms: web::Data<Lms>,
    page: web::Query<PageParams>,
) -> AppResult<web::Json<Page<CourseDto>>> {
    let limit = page.limit()?;
    let after = page.after::<(DateTime<Utc>, Uuid)>()?;
    let rows = courses::list_all(&lms.ctx().db, admin.tenant.id, after, limit).await?;
    let page = Page::from_rows(rows, limit, |c| (c.created_at, c.id));
    let mut items = Vec::with_capacity(page.items.len());
    for c in page.items {
        items.push(courses::dto(lms.storage(), c).await);
    }
    Ok(web::Json(Page {
        items,
        next_cursor: page.next_cursor,
    }))
}

/// A course with every module and item's content (ADMIN).
#[utoipa::path(tag = "lms", security(("bearer" = [])),
    responses((status = 200, body = CourseDetail), (status = 404, body = kernel::error::Problem)))]
#[get("/{id}")]
pub async fn detail(
    admin: Require<Admin>,
    lms: web::Data<Lms>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<CourseDetail>> {
    let page = progress::student_course(
        &lms.ctx().db,
        lms.storage(),
        admin.tenant.id,
        admin.id,
        id.into_inner(),
    )
    .await?;
    Ok(web::Json(CourseDetail {
        course: page.course,
        modules: page
            .modules
            .into_iter()
            .map(|mut m| {
                for i in &mut m.items {
                    i.completed = None;
                }
                m
            })
            .collect(),
    }))
}

/// Changes a course (ADMIN): title, description, price, GST flag, level, status (publish,
/// unpublish, archive) and the cover image (a stored object of this platform).
#[utoipa::path(tag = "lms", security(("bearer" = [])), request_body = CourseUpdate,
    responses((status = 200, body = CourseDto), (status = 404, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[patch("/{id}")]
pub async fn update(
    admin: Require<Admin>,
    lms: web::Data<Lms>,
    id: web::Path<Uuid>,
    body: ValidJson<CourseUpdate>,
) -> AppResult<web::Json<CourseDto>> {
    let course = courses::update(
        &lms.ctx().db,
        lms.storage(),
        &admin.tenant,
        id.into_inner(),
        body.into_inner(),
    )
    .await?;
    Ok(web::Json(courses::dto(lms.storage(), course).await))
}

/// Adds a module to a course (ADMIN).
#[utoipa::path(tag = "lms", security(("bearer" = [])), request_body = NewModule,
    responses((status = 201, body = crate::dto::courses::ModuleDto), (status = 404, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[post("/{id}/modules")]
pub async fn add_module(
    admin: Require<Admin>,
    ctx: web::Data<AppContext>,
    id: web::Path<Uuid>,
    body: ValidJson<NewModule>,
) -> AppResult<HttpResponse> {
    let m =
        courses::add_module(&ctx.db, admin.tenant.id, id.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Created().json(crate::dto::courses::ModuleDto::empty(&m)))
}

/// Adds a content item to a module of the course (ADMIN): documents need a stored file,
/// videos and links a URL or a file, quizzes, assignments and live classes their `ref_id`.
#[utoipa::path(tag = "lms", security(("bearer" = [])), request_body = NewItem,
    responses((status = 201, body = ItemDto), (status = 404, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[post("/{id}/modules/{module_id}/items")]
pub async fn add_item(
    admin: Require<Admin>,
    ctx: web::Data<AppContext>,
    path: web::Path<(Uuid, Uuid)>,
    body: ValidJson<NewItem>,
) -> AppResult<HttpResponse> {
    let (course, module) = path.into_inner();
    let item = courses::add_item(&ctx.db, &admin.tenant, course, module, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(ItemDto::outline(&item)))
}

/// Creates a batch of the course (ADMIN), with a batch lead (a user holding the batch-lead
/// capability) and a capacity (default `BATCH_DEFAULT_CAPACITY`).
#[utoipa::path(tag = "lms", security(("bearer" = [])), request_body = NewBatch,
    responses((status = 201, body = BatchDto), (status = 404, body = kernel::error::Problem), (status = 409, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[post("/{id}/batches")]
pub async fn create_batch(
    admin: Require<Admin>,
    ctx: web::Data<AppContext>,
    id: web::Path<Uuid>,
    body: ValidJson<NewBatch>,
) -> AppResult<HttpResponse> {
    let b = batches::create(&ctx.db, admin.tenant.id, id.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Created().json(BatchDto::from(b)))
}

/// The course's batches with their seats (ADMIN).
#[utoipa::path(tag = "lms", security(("bearer" = [])),
    responses((status = 200, body = BatchList), (status = 404, body = kernel::error::Problem)))]
#[get("/{id}/batches")]
pub async fn list_batches(
    admin: Require<Admin>,
    ctx: web::Data<AppContext>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<BatchList>> {
    let items = batches::list(&ctx.db, admin.tenant.id, id.into_inner()).await?;
    Ok(web::Json(BatchList {
        items: items.into_iter().map(BatchDto::from).collect(),
        next_cursor: None,
    }))
}

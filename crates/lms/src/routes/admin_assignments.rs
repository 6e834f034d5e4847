//! `/api/admin/courses/{id}/assignments`: a course's assignments (ADMIN).

use actix_web::{HttpResponse, delete, get, patch, post, web};
use kernel::{
    AppContext,
    auth::{Admin, Require},
    error::AppResult,
    extract::ValidJson,
};
use uuid::Uuid;

use crate::{
    dto::assignments::{AssignmentDto, AssignmentList, AssignmentUpdate, NewAssignment},
    service::assignments,
};

/// Creates an assignment of the course (ADMIN): a rubric's criteria must add up to
/// `max_points`; `reject_after` is at or after `due_at`.
#[utoipa::path(tag = "lms", security(("bearer" = [])), request_body = NewAssignment,
    responses((status = 201, body = AssignmentDto), (status = 404, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[post("/{id}/assignments")]
pub async fn create(
    admin: Require<Admin>,
    ctx: web::Data<AppContext>,
    id: web::Path<Uuid>,
    body: ValidJson<NewAssignment>,
) -> AppResult<HttpResponse> {
    let a = assignments::create(
        &ctx.db,
        admin.tenant.id,
        admin.id,
        id.into_inner(),
        body.into_inner(),
    )
    .await?;
    Ok(HttpResponse::Created().json(AssignmentDto::from(a)))
}

/// The course's assignments by due time (ADMIN).
#[utoipa::path(tag = "lms", security(("bearer" = [])),
    responses((status = 200, body = AssignmentList), (status = 404, body = kernel::error::Problem)))]
#[get("/{id}/assignments")]
pub async fn list(
    admin: Require<Admin>,
    ctx: web::Data<AppContext>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<AssignmentList>> {
    let items = assignments::list(&ctx.db, admin.tenant.id, id.into_inner()).await?;
    Ok(web::Json(AssignmentList {
        items: items.into_iter().map(AssignmentDto::from).collect(),
        next_cursor: None,
    }))
}

/// Changes an assignment (ADMIN). Submissions already handed in keep their late flag and
/// penalty.
#[utoipa::path(tag = "lms", security(("bearer" = [])), request_body = AssignmentUpdate,
    responses((status = 200, body = AssignmentDto), (status = 404, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[patch("/{id}/assignments/{assignment_id}")]
pub async fn update(
    admin: Require<Admin>,
    ctx: web::Data<AppContext>,
    path: web::Path<(Uuid, Uuid)>,
    body: ValidJson<AssignmentUpdate>,
) -> AppResult<web::Json<AssignmentDto>> {
    let (course, id) = path.into_inner();
    let a = assignments::update(&ctx.db, admin.tenant.id, course, id, body.into_inner()).await?;
    Ok(web::Json(a.into()))
}

/// Deletes an assignment without submissions (ADMIN); with submissions 409
/// `assignment_has_submissions`.
#[utoipa::path(tag = "lms", security(("bearer" = [])),
    responses((status = 204, description = "deleted"), (status = 404, body = kernel::error::Problem), (status = 409, body = kernel::error::Problem)))]
#[delete("/{id}/assignments/{assignment_id}")]
pub async fn remove(
    admin: Require<Admin>,
    ctx: web::Data<AppContext>,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<HttpResponse> {
    let (course, id) = path.into_inner();
    assignments::delete(&ctx.db, admin.tenant.id, course, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

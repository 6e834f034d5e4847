//! `/api/admin/courses/{id}/live-classes`: a course's live classes and their attendance
//! (ADMIN).

use actix_web::{HttpResponse, delete, get, patch, post, web};
use kernel::{
    auth::{Admin, Require},
    error::AppResult,
    extract::ValidJson,
};
use uuid::Uuid;

use crate::{
    Lms,
    dto::live_classes::{
        AttendanceList, LiveClassDto, LiveClassList, LiveClassUpdate, NewLiveClass,
    },
    service::live_classes,
};

/// Schedules a live class of the course, optionally for one batch (ADMIN).
#[utoipa::path(tag = "lms", security(("bearer" = [])), request_body = NewLiveClass,
    responses((status = 201, body = LiveClassDto), (status = 404, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[post("/{id}/live-classes")]
pub async fn create(
    admin: Require<Admin>,
    lms: web::Data<Lms>,
    id: web::Path<Uuid>,
    body: ValidJson<NewLiveClass>,
) -> AppResult<HttpResponse> {
    let c = live_classes::create(
        &lms.ctx().db,
        admin.tenant.id,
        admin.id,
        id.into_inner(),
        body.into_inner(),
    )
    .await?;
    Ok(HttpResponse::Created().json(LiveClassDto::admin(c)))
}

/// Every live class of the course by start, with join URLs and recordings (ADMIN).
#[utoipa::path(tag = "lms", security(("bearer" = [])),
    responses((status = 200, body = LiveClassList), (status = 404, body = kernel::error::Problem)))]
#[get("/{id}/live-classes")]
pub async fn list(
    admin: Require<Admin>,
    lms: web::Data<Lms>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<LiveClassList>> {
    let rows = live_classes::list(&lms.ctx().db, admin.tenant.id, id.into_inner()).await?;
    let mut items = Vec::with_capacity(rows.len());
    for c in rows {
        items.push(live_classes::admin_dto(lms.storage(), c).await);
    }
    Ok(web::Json(LiveClassList {
        items,
        next_cursor: None,
    }))
}

/// Changes a live class (ADMIN), e.g. sets its recording (an uploaded object of this
/// platform) after it.
#[utoipa::path(tag = "lms", security(("bearer" = [])), request_body = LiveClassUpdate,
    responses((status = 200, body = LiveClassDto), (status = 404, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[patch("/{id}/live-classes/{class_id}")]
pub async fn update(
    admin: Require<Admin>,
    lms: web::Data<Lms>,
    path: web::Path<(Uuid, Uuid)>,
    body: ValidJson<LiveClassUpdate>,
) -> AppResult<web::Json<LiveClassDto>> {
    let (course, id) = path.into_inner();
    let c = live_classes::update(
        &lms.ctx().db,
        lms.storage(),
        &admin.tenant,
        course,
        id,
        body.into_inner(),
    )
    .await?;
    Ok(web::Json(live_classes::admin_dto(lms.storage(), c).await))
}

/// Deletes a live class and its attendance (ADMIN).
#[utoipa::path(tag = "lms", security(("bearer" = [])),
    responses((status = 204, description = "deleted"), (status = 404, body = kernel::error::Problem)))]
#[delete("/{id}/live-classes/{class_id}")]
pub async fn remove(
    admin: Require<Admin>,
    lms: web::Data<Lms>,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<HttpResponse> {
    let (course, id) = path.into_inner();
    live_classes::delete(&lms.ctx().db, admin.tenant.id, course, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Who joined the class, in join order (ADMIN).
#[utoipa::path(tag = "lms", security(("bearer" = [])),
    responses((status = 200, body = AttendanceList), (status = 404, body = kernel::error::Problem)))]
#[get("/{id}/live-classes/{class_id}/attendance")]
pub async fn attendance(
    admin: Require<Admin>,
    lms: web::Data<Lms>,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<web::Json<AttendanceList>> {
    let (course, id) = path.into_inner();
    let items = live_classes::attendance(&lms.ctx().db, admin.tenant.id, course, id).await?;
    Ok(web::Json(AttendanceList {
        items,
        next_cursor: None,
    }))
}

//! `/api/student/courses/{course_id}/live-classes`: the student's live classes and joining
//! them (Enrolled).

use actix_web::{get, post, web};
use chrono::Utc;
use kernel::{auth::Enrolled, error::AppResult};
use uuid::Uuid;

use crate::{
    Lms,
    dto::live_classes::{ClassQuery, Joined, LiveClassList},
    service::live_classes,
};

/// The live classes of the course and the caller's batch: upcoming and running ones soonest
/// first, or with `past=true` the ones that are over, newest first, with recording URLs.
#[utoipa::path(tag = "lms", security(("bearer" = [])), params(("course_id" = Uuid, Path, description = "The course"), ClassQuery),
    responses((status = 200, body = LiveClassList), (status = 403, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem)))]
#[get("/courses/{course_id}/live-classes")]
pub async fn list(
    student: Enrolled,
    lms: web::Data<Lms>,
    query: web::Query<ClassQuery>,
) -> AppResult<web::Json<LiveClassList>> {
    let items = live_classes::for_student(
        &lms.ctx().db,
        lms.storage(),
        student.user.tenant.id,
        student.user.id,
        student.course_id,
        query.past.unwrap_or(false),
    )
    .await?;
    Ok(web::Json(LiveClassList {
        items,
        next_cursor: None,
    }))
}

/// Joins a live class: from 15 minutes before its start until its end the attendance is
/// recorded (once) and the join URL answered; earlier 409 `class_not_started`, later 409
/// `class_ended`. Without an enrolment (admins too) 403.
#[utoipa::path(tag = "lms", security(("bearer" = [])),
    responses((status = 200, body = Joined), (status = 403, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem), (status = 409, body = kernel::error::Problem)))]
#[post("/courses/{course_id}/live-classes/{class_id}/join")]
pub async fn join(
    student: Enrolled,
    lms: web::Data<Lms>,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<web::Json<Joined>> {
    let (_, id) = path.into_inner();
    let joined = live_classes::join_committed(
        &lms.ctx().db,
        &student.user.tenant,
        student.user.id,
        student.course_id,
        id,
        Utc::now(),
    )
    .await?;
    lms.jobs().notify_committed();
    Ok(web::Json(joined))
}

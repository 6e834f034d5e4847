//! `/api/student/courses/{course_id}`: the course as an enrolled student sees it, and
//! completing its items. Every route here takes [`Enrolled`] (403 `not_enrolled`).

use actix_web::{get, post, web};
use kernel::{auth::Enrolled, error::AppResult};
use uuid::Uuid;

use kernel::auth::AuthUser;

use crate::{
    Lms,
    dto::{
        dashboard::Dashboard,
        enrollments::{ItemCompleted, StudentCourse},
    },
    service::{dashboard, progress},
};

/// The caller's dashboard: active enrolments with progress, overall progress, upcoming
/// classes, pending quizzes and assignments, `xp` and `streak`. A constant number of SQL
/// statements whatever the number of enrolments and attempts.
#[utoipa::path(tag = "lms", security(("bearer" = [])), responses((status = 200, body = Dashboard)))]
#[get("/dashboard")]
pub async fn my_dashboard(user: AuthUser, lms: web::Data<Lms>) -> AppResult<web::Json<Dashboard>> {
    Ok(web::Json(
        dashboard::load(&lms.ctx().db, user.tenant.id, user.id).await?,
    ))
}

/// The course for an enrolled student: every item's content (stored files as signed URLs),
/// which items the student completed, and progress. Not enrolled: 403 `not_enrolled`.
#[utoipa::path(tag = "lms", security(("bearer" = [])),
    params(("course_id" = Uuid, Path, description = "The course")),
    responses((status = 200, body = StudentCourse), (status = 403, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem)))]
#[get("/courses/{course_id}")]
pub async fn course(student: Enrolled, lms: web::Data<Lms>) -> AppResult<web::Json<StudentCourse>> {
    Ok(web::Json(
        progress::student_course(
            &lms.ctx().db,
            lms.storage(),
            student.user.tenant.id,
            student.user.id,
            student.course_id,
        )
        .await?,
    ))
}

/// Marks an item of the course complete (once; a repeat answers the first time) and answers
/// the course's progress. Without an enrolment (admins too): 403 `not_enrolled`.
#[utoipa::path(tag = "lms", security(("bearer" = [])),
    responses((status = 200, body = ItemCompleted), (status = 403, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem)))]
#[post("/courses/{course_id}/items/{item_id}/complete")]
pub async fn complete_item(
    student: Enrolled,
    lms: web::Data<Lms>,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<web::Json<ItemCompleted>> {
    let (_, item_id) = path.into_inner();
    let done = progress::complete_item_committed(
        &lms.ctx().db,
        &student.user.tenant,
        student.user.id,
        student.course_id,
        item_id,
    )
    .await?;
    lms.jobs().notify_committed();
    Ok(web::Json(done))
}

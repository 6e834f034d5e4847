//! `/api/student/courses/{course_id}/assignments`: the course's assignments with the
//! student's submission and grade, handing in, and the history of versions (Enrolled).

use actix_web::{HttpResponse, get, post, web};
use kernel::{auth::Enrolled, error::AppResult, extract::ValidJson};
use uuid::Uuid;

use crate::{
    Lms,
    dto::assignments::{NewSubmission, StudentAssignmentList, SubmissionDto},
    service::{assignments, submissions},
};

/// The course's assignments by due time, each with the caller's current submission (and
/// its grade and feedback once graded).
#[utoipa::path(tag = "lms", security(("bearer" = [])),
    params(("course_id" = Uuid, Path, description = "The course")),
    responses((status = 200, body = StudentAssignmentList), (status = 403, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem)))]
#[get("/courses/{course_id}/assignments")]
pub async fn list(
    student: Enrolled,
    lms: web::Data<Lms>,
) -> AppResult<web::Json<StudentAssignmentList>> {
    let items = submissions::for_student(
        &lms.ctx().db,
        lms.storage(),
        student.user.tenant.id,
        student.user.id,
        student.course_id,
    )
    .await?;
    Ok(web::Json(StudentAssignmentList {
        items,
        next_cursor: None,
    }))
}

/// Hands in the assignment: a text, uploaded files of this platform (the assignment's media
/// types, size and count), or both. Late work is flagged and its penalty fixed now; again
/// before the grade replaces the previous version (409 `submission_graded` after it); after
/// `reject_after` 409 `submission_closed`. Without an enrolment (admins too) 403.
#[utoipa::path(tag = "lms", security(("bearer" = [])), request_body = NewSubmission,
    responses((status = 201, body = SubmissionDto), (status = 403, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem), (status = 409, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[post("/courses/{course_id}/assignments/{assignment_id}/submissions")]
pub async fn submit(
    student: Enrolled,
    lms: web::Data<Lms>,
    path: web::Path<(Uuid, Uuid)>,
    body: ValidJson<NewSubmission>,
) -> AppResult<HttpResponse> {
    let (_, assignment_id) = path.into_inner();
    let row = submissions::submit(
        &lms.ctx().db,
        lms.storage(),
        &student.user.tenant,
        student.user.id,
        student.course_id,
        assignment_id,
        body.into_inner(),
    )
    .await?;
    lms.jobs().notify_committed();
    let a = assignments::find(
        &lms.ctx().db,
        student.user.tenant.id,
        student.course_id,
        assignment_id,
    )
    .await?;
    Ok(HttpResponse::Created().json(submissions::dto(lms.storage(), row, a.max_points).await))
}

/// Every version the caller handed in for the assignment, newest first.
#[utoipa::path(tag = "lms", security(("bearer" = [])),
    responses((status = 200, body = Vec<SubmissionDto>), (status = 403, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem)))]
#[get("/courses/{course_id}/assignments/{assignment_id}/submissions")]
pub async fn history(
    student: Enrolled,
    lms: web::Data<Lms>,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<web::Json<Vec<SubmissionDto>>> {
    let (_, assignment_id) = path.into_inner();
    Ok(web::Json(
        submissions::history(
            &lms.ctx().db,
            lms.storage(),
            student.user.tenant.id,
            student.user.id,
            student.course_id,
            assignment_id,
        )
        .await?,
    ))
}

//! `/api/grading`: submissions of an assignment and their grades, for an admin or the batch
//! lead of the student's batch (`Require<BatchLead>`, then the batch is checked: another
//! batch's lead gets 403).

use actix_web::{get, post, web};
use kernel::{
    auth::{BatchLead, Require},
    error::AppResult,
    extract::ValidJson,
};
use uuid::Uuid;

use crate::{
    Lms,
    dto::assignments::{GradeRequest, GraderSubmissionList, SubmissionDto},
    service::grading,
};

/// The current submissions of an assignment the caller may grade (an admin: all; a batch
/// lead: the students of their batches), oldest first.
#[utoipa::path(tag = "lms", security(("bearer" = [])),
    responses((status = 200, body = GraderSubmissionList), (status = 403, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem)))]
#[get("/assignments/{id}/submissions")]
pub async fn list(
    grader: Require<BatchLead>,
    lms: web::Data<Lms>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<GraderSubmissionList>> {
    let items = grading::list(&lms.ctx().db, lms.storage(), &grader, id.into_inner()).await?;
    Ok(web::Json(GraderSubmissionList {
        items,
        next_cursor: None,
    }))
}

/// Grades (or regrades) a current submission: `scores` per rubric criterion (every one once,
/// at most its points) or `points` without a rubric, and feedback; the final score takes off
/// the late penalty fixed at hand-in. Not the lead of the student's batch: 403.
#[utoipa::path(tag = "lms", security(("bearer" = [])), request_body = GradeRequest,
    responses((status = 200, body = SubmissionDto), (status = 403, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[post("/submissions/{id}/grade")]
pub async fn grade(
    grader: Require<BatchLead>,
    lms: web::Data<Lms>,
    id: web::Path<Uuid>,
    body: ValidJson<GradeRequest>,
) -> AppResult<web::Json<SubmissionDto>> {
    Ok(web::Json(
        grading::grade(
            &lms.ctx().db,
            lms.storage(),
            &grader,
            id.into_inner(),
            body.into_inner(),
        )
        .await?,
    ))
}

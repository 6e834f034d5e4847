//! `/api/quizzes/{id}/attempts` and `/api/quiz-attempts/*`: a learner's timed attempts.
//! A quiz of a course needs an active enrolment (403 `not_enrolled`, admins too); a quiz of
//! no course an active enrolment in a course offering it (admins need none), and none with
//! candidate invites (403 `forbidden`).

use actix_web::{HttpResponse, get, post, put, web};
use kernel::{auth::AuthUser, error::AppResult, extract::ValidJson};
use uuid::Uuid;

use crate::{
    Lms,
    dto::attempts::{
        AnswerSaved, AttemptResult, AttemptView, LearnerQuiz, SaveAnswer, SubmitAttempt,
    },
    service::attempts,
};

/// Starts an attempt: 201 with the questions (no answers) and the server's deadline. While
/// an attempt is in progress, starting again (a second tab) answers that same attempt with
/// 200. Over the attempts allowed: 409 `attempts_exhausted`; after `closes_at`: 409
/// `quiz_closed`; code questions without a code runner: 503 `provider_not_configured`; a
/// learner who may not take it (see the module): 403 `not_enrolled` or `forbidden`.
#[utoipa::path(tag = "lms", security(("bearer" = [])),
    responses((status = 201, body = AttemptView), (status = 200, body = AttemptView),
        (status = 403, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem),
        (status = 409, body = kernel::error::Problem), (status = 503, body = kernel::error::Problem)))]
#[post("/{id}/attempts")]
pub async fn start(
    user: AuthUser,
    lms: web::Data<Lms>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let (view, created) = attempts::start(
        &lms.ctx().db,
        &user.tenant,
        user.id,
        user.role.is_admin(),
        id.into_inner(),
        lms.config().quiz_submit_grace_seconds,
        lms.code_runner(),
    )
    .await?;
    Ok(if created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    }
    .json(view))
}

/// The caller's attempt: questions in the attempt's order, every saved answer, the deadline
/// (reconnecting loses nothing), and the result as the review policy allows.
#[utoipa::path(tag = "lms", security(("bearer" = [])),
    responses((status = 200, body = AttemptView), (status = 404, body = kernel::error::Problem)))]
#[get("/{id}")]
pub async fn detail(
    user: AuthUser,
    lms: web::Data<Lms>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<AttemptView>> {
    Ok(web::Json(
        attempts::get(
            &lms.ctx().db,
            user.tenant.id,
            user.id,
            id.into_inner(),
            lms.config().quiz_submit_grace_seconds,
        )
        .await?,
    ))
}

/// Saves one answer (idempotent; a `seq` not above the stored one changes nothing), until
/// the deadline plus the grace: then 409 `attempt_expired`; after submitting, 409
/// `attempt_submitted`.
#[utoipa::path(tag = "lms", security(("bearer" = [])), request_body = SaveAnswer,
    responses((status = 200, body = AnswerSaved), (status = 404, body = kernel::error::Problem),
        (status = 409, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[put("/{id}/answers/{question_id}")]
pub async fn save_answer(
    user: AuthUser,
    lms: web::Data<Lms>,
    path: web::Path<(Uuid, Uuid)>,
    body: ValidJson<SaveAnswer>,
) -> AppResult<web::Json<AnswerSaved>> {
    let (id, question) = path.into_inner();
    Ok(web::Json(
        attempts::save(
            &lms.ctx().db,
            user.tenant.id,
            user.id,
            id,
            lms.config().quiz_submit_grace_seconds,
            question,
            body.into_inner(),
        )
        .await?,
    ))
}

/// Submits the attempt and grades it once: the given answers replace saved ones, every
/// saved answer counts. After the deadline plus the grace: 409 `attempt_expired` (the saved
/// answers are graded); a second submit: 409 `attempt_submitted`.
#[utoipa::path(tag = "lms", security(("bearer" = [])), request_body = SubmitAttempt,
    responses((status = 200, body = AttemptResult), (status = 404, body = kernel::error::Problem),
        (status = 409, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem),
        (status = 503, body = kernel::error::Problem)))]
#[post("/{id}/submit")]
pub async fn submit(
    user: AuthUser,
    lms: web::Data<Lms>,
    id: web::Path<Uuid>,
    body: ValidJson<SubmitAttempt>,
) -> AppResult<web::Json<AttemptResult>> {
    Ok(web::Json(
        attempts::submit(
            &lms.ctx().db,
            &user.tenant,
            user.id,
            id.into_inner(),
            lms.config().quiz_submit_grace_seconds,
            lms.code_runner(),
            body.into_inner().answers,
        )
        .await?,
    ))
}

/// The quiz as the caller sees it: time and attempts with their accommodations, attempts
/// used, the attempt in progress to resume, the best score (as the review policy allows).
/// Only for who may take it, as for starting (403 `not_enrolled` or `forbidden`).
#[utoipa::path(tag = "lms", security(("bearer" = [])),
    responses((status = 200, body = LearnerQuiz), (status = 403, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem)))]
#[get("/{id}")]
pub async fn quiz(
    user: AuthUser,
    lms: web::Data<Lms>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<LearnerQuiz>> {
    Ok(web::Json(
        attempts::learner_quiz(
            &lms.ctx().db,
            user.tenant.id,
            user.id,
            user.role.is_admin(),
            id.into_inner(),
        )
        .await?,
    ))
}

//! `/api/candidate-quiz/{token}`: a candidate's quiz by invite link, without an account.
//! An unknown, expired or spent token answers 401 `invalid_token`.

use actix_web::{HttpResponse, get, post, put, web};
use kernel::{Tenant, error::AppResult, extract::ValidJson};
use uuid::Uuid;
use validator::Validate;

use crate::{
    Lms,
    dto::attempts::{
        AnswerSaved, AttemptResult, AttemptView, CandidateQuiz, SaveAnswer, SubmitAttempt,
    },
    service::candidates,
};

/// The quiz behind the link (title, time allowed, question count) and the attempt once
/// started, with its saved answers.
#[utoipa::path(tag = "lms",
    responses((status = 200, body = CandidateQuiz), (status = 401, body = kernel::error::Problem)))]
#[get("/{token}")]
pub async fn show(
    tenant: Tenant,
    lms: web::Data<Lms>,
    token: web::Path<String>,
) -> AppResult<web::Json<CandidateQuiz>> {
    Ok(web::Json(
        candidates::show(
            &lms.ctx().db,
            tenant.id,
            &token,
            lms.config().quiz_submit_grace_seconds,
        )
        .await?,
    ))
}

/// Starts the candidate's attempt (201), or answers the one in progress (200).
#[utoipa::path(tag = "lms",
    responses((status = 201, body = AttemptView), (status = 200, body = AttemptView),
        (status = 401, body = kernel::error::Problem), (status = 409, body = kernel::error::Problem),
        (status = 503, body = kernel::error::Problem)))]
#[post("/{token}/start")]
pub async fn start(
    tenant: Tenant,
    lms: web::Data<Lms>,
    token: web::Path<String>,
) -> AppResult<HttpResponse> {
    let (view, created) = candidates::start(
        &lms.ctx().db,
        &tenant,
        &token,
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

/// Saves one answer of the candidate's attempt (as `PUT /api/quiz-attempts/{id}/answers/…`).
/// The token is checked before the body.
#[utoipa::path(tag = "lms", request_body = SaveAnswer,
    responses((status = 200, body = AnswerSaved), (status = 401, body = kernel::error::Problem),
        (status = 404, body = kernel::error::Problem), (status = 409, body = kernel::error::Problem),
        (status = 422, body = kernel::error::Problem)))]
#[put("/{token}/answers/{question_id}")]
pub async fn save_answer(
    tenant: Tenant,
    lms: web::Data<Lms>,
    path: web::Path<(String, Uuid)>,
    body: web::Bytes,
) -> AppResult<web::Json<AnswerSaved>> {
    let (token, question) = path.into_inner();
    let db = &lms.ctx().db;
    let grace = lms.config().quiz_submit_grace_seconds;
    candidates::check(db, tenant.id, &token).await?;
    let req: SaveAnswer = kernel::extract::parse_json(&body)?;
    req.validate()
        .map_err(|e| kernel::AppError::Validation(kernel::extract::field_errors(&e)))?;
    Ok(web::Json(
        candidates::save(db, tenant.id, &token, grace, question, req).await?,
    ))
}

/// Submits the candidate's attempt and grades it; the link is spent afterwards.
#[utoipa::path(tag = "lms", request_body = SubmitAttempt,
    responses((status = 200, body = AttemptResult), (status = 401, body = kernel::error::Problem),
        (status = 404, body = kernel::error::Problem), (status = 409, body = kernel::error::Problem),
        (status = 422, body = kernel::error::Problem), (status = 503, body = kernel::error::Problem)))]
#[post("/{token}/submit")]
pub async fn submit(
    tenant: Tenant,
    lms: web::Data<Lms>,
    token: web::Path<String>,
    body: ValidJson<SubmitAttempt>,
) -> AppResult<web::Json<AttemptResult>> {
    Ok(web::Json(
        candidates::submit(
            &lms.ctx().db,
            &tenant,
            &token,
            lms.config().quiz_submit_grace_seconds,
            lms.code_runner(),
            body.into_inner().answers,
        )
        .await?,
    ))
}

//! `/api/admin/job-applications`: the HR pipeline (HR or ADMIN of the platform; another
//! platform's applications are 404).

use actix_web::{HttpResponse, get, post, put, web};
use kernel::{
    auth::{Hr, Require},
    error::AppResult,
    extract::ValidJson,
    pagination::{Page, PageParams},
};
use uuid::Uuid;
use validator::Validate;

use crate::{
    Hire,
    dto::applications::{
        ApplicationDetail, BulkMoveStage, BulkMoved, MoveStage, NewNote, NoteDto, PipelineList,
        PipelineQuery, RatingDto, RatingInput, ResumeLink, StageEvent,
    },
    dto::quizzes::{ApplicationQuizList, QuizSent, SendQuiz},
    service::{
        pipeline::{self, PipelineKey},
        quizzes,
    },
};

/// The pipeline, newest applications first: each with its stage, when it entered it, every
/// stage entered (from the stage log) and the AI score. `stage` and `post_id` filter.
#[utoipa::path(tag = "hire", security(("bearer" = [])), params(PipelineQuery),
    responses((status = 200, body = PipelineList), (status = 422, body = kernel::error::Problem)))]
#[get("")]
pub async fn list(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
    query: web::Query<PipelineQuery>,
) -> AppResult<web::Json<PipelineList>> {
    let query = query.into_inner();
    query
        .validate()
        .map_err(|e| kernel::AppError::Validation(kernel::extract::field_errors(&e)))?;
    let page_params = PageParams {
        limit: query.limit,
        cursor: query.cursor.clone(),
    };
    let limit = page_params.limit()?;
    let after = page_params.after::<PipelineKey>()?;
    let rows = pipeline::page(
        &hire.ctx().db,
        hr.tenant.id,
        query.stage.as_deref(),
        query.post_id,
        after,
        limit,
    )
    .await?;
    let page = Page::from_rows(rows, limit, |r| (r.created_at, r.id));
    Ok(web::Json(PipelineList {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// One application: the pipeline row, answers, the stage log, time per stage, notes and
/// ratings.
#[utoipa::path(tag = "hire", security(("bearer" = [])),
    responses((status = 200, body = ApplicationDetail), (status = 404, body = kernel::error::Problem)))]
#[get("/{id}")]
pub async fn detail(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<ApplicationDetail>> {
    Ok(web::Json(
        pipeline::detail(&hire.ctx().db, hr.tenant.id, *id).await?,
    ))
}

/// Moves an application to a stage: a new event of its log (a rejection is reversed by
/// another move, with a reason). Same stage: 409 `stage_unchanged`.
#[utoipa::path(tag = "hire", security(("bearer" = [])), request_body = MoveStage,
    responses((status = 201, body = StageEvent), (status = 404, body = kernel::error::Problem),
        (status = 409, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[post("/{id}/stage")]
pub async fn move_stage(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
    id: web::Path<Uuid>,
    body: ValidJson<MoveStage>,
) -> AppResult<HttpResponse> {
    let event =
        pipeline::move_stage(&hire.ctx().db, &hr.tenant, hr.id, *id, body.into_inner()).await?;
    hire.jobs().notify_committed();
    tracing::info!(application = %id, stage = %event.to_stage, user = %hr.id, "application moved");
    Ok(HttpResponse::Created().json(event))
}

/// Moves up to 100 applications to a stage in one transaction (all or none).
#[utoipa::path(tag = "hire", security(("bearer" = [])), request_body = BulkMoveStage,
    responses((status = 200, body = BulkMoved), (status = 404, body = kernel::error::Problem),
        (status = 422, body = kernel::error::Problem)))]
#[post("/bulk-stage")]
pub async fn bulk_stage(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
    body: ValidJson<BulkMoveStage>,
) -> AppResult<web::Json<BulkMoved>> {
    let moved = pipeline::bulk_move(&hire.ctx().db, &hr.tenant, hr.id, body.into_inner()).await?;
    hire.jobs().notify_committed();
    Ok(web::Json(moved))
}

/// Adds a note to an application.
#[utoipa::path(tag = "hire", security(("bearer" = [])), request_body = NewNote,
    responses((status = 201, body = NoteDto), (status = 404, body = kernel::error::Problem),
        (status = 422, body = kernel::error::Problem)))]
#[post("/{id}/notes")]
pub async fn add_note(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
    id: web::Path<Uuid>,
    body: ValidJson<NewNote>,
) -> AppResult<HttpResponse> {
    let note =
        pipeline::add_note(&hire.ctx().db, hr.tenant.id, hr.id, *id, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(note))
}

/// Sets the caller's rating of an application (one per reviewer; replaces theirs).
#[utoipa::path(tag = "hire", security(("bearer" = [])), request_body = RatingInput,
    responses((status = 200, body = RatingDto), (status = 404, body = kernel::error::Problem),
        (status = 422, body = kernel::error::Problem)))]
#[put("/{id}/rating")]
pub async fn rate(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
    id: web::Path<Uuid>,
    body: ValidJson<RatingInput>,
) -> AppResult<web::Json<RatingDto>> {
    Ok(web::Json(
        pipeline::rate(&hire.ctx().db, hr.tenant.id, hr.id, *id, body.into_inner()).await?,
    ))
}

/// A short-lived signed link to the application's resume (resumes are never public).
#[utoipa::path(tag = "hire", security(("bearer" = [])),
    responses((status = 200, body = ResumeLink), (status = 404, body = kernel::error::Problem)))]
#[get("/{id}/resume")]
pub async fn resume(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<ResumeLink>> {
    Ok(web::Json(
        pipeline::resume_link(&hire.ctx().db, hire.storage(), hr.tenant.id, *id).await?,
    ))
}

/// Sends a quiz of the platform (the LMS's question bank and quizzes) to the application's
/// candidate: a single-use link, shown once in the answer, recorded with the current stage.
/// The same quiz twice is 409 `quiz_already_sent`.
#[utoipa::path(tag = "hire", security(("bearer" = [])), request_body = SendQuiz,
    responses((status = 201, body = QuizSent), (status = 404, body = kernel::error::Problem),
        (status = 409, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[post("/{id}/quizzes")]
pub async fn send_quiz(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
    id: web::Path<Uuid>,
    body: ValidJson<SendQuiz>,
) -> AppResult<HttpResponse> {
    let sent = quizzes::send(
        &hire.ctx().db,
        &hire.ctx().config.public_base_url,
        hr.tenant.id,
        hr.id,
        *id,
        body.into_inner(),
    )
    .await?;
    Ok(HttpResponse::Created().json(sent))
}

/// The quizzes sent for an application, with the candidate's state and result.
#[utoipa::path(tag = "hire", security(("bearer" = [])),
    responses((status = 200, body = ApplicationQuizList), (status = 404, body = kernel::error::Problem)))]
#[get("/{id}/quizzes")]
pub async fn list_quizzes(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<ApplicationQuizList>> {
    Ok(web::Json(ApplicationQuizList {
        items: quizzes::list(&hire.ctx().db, hr.tenant.id, *id).await?,
    }))
}

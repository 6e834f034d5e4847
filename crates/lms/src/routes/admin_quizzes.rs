//! `/api/admin/quizzes`, `/api/admin/quiz-invites` and `/api/admin/learners`: quizzes,
//! candidate invites and learners' accommodations (ADMIN).

use actix_web::{HttpResponse, get, post, put, web};
use chrono::{DateTime, Utc};
use kernel::{
    auth::{Admin, Require},
    error::AppResult,
    extract::ValidJson,
    pagination::{Page, PageParams},
};
use uuid::Uuid;

use crate::{
    Lms,
    dto::attempts::AttemptSummary,
    dto::quizzes::{
        AccommodationsDto, AccommodationsUpdate, InviteCreated, InviteResult, NewInvite, NewQuiz,
        QuizDto,
    },
    service::{accommodations, attempts as attempt_service, candidates, quizzes},
};

/// Creates a quiz from questions of the bank (ADMIN). Declares whether `closes_at` cuts an
/// attempt's time (`close_clamps_deadline`, default true) and what learners see afterwards
/// (`review_policy`).
#[utoipa::path(tag = "lms", security(("bearer" = [])), request_body = NewQuiz,
    responses((status = 201, body = QuizDto), (status = 422, body = kernel::error::Problem)))]
#[post("")]
pub async fn create(
    admin: Require<Admin>,
    lms: web::Data<Lms>,
    body: ValidJson<NewQuiz>,
) -> AppResult<HttpResponse> {
    let quiz = quizzes::create(&lms.ctx().db, admin.tenant.id, admin.id, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(quiz))
}

/// The platform's quizzes, newest first (ADMIN).
#[utoipa::path(tag = "lms", security(("bearer" = [])), params(PageParams),
    responses((status = 200, body = Page<QuizDto>), (status = 422, body = kernel::error::Problem)))]
#[get("")]
pub async fn list(
    admin: Require<Admin>,
    lms: web::Data<Lms>,
    page: web::Query<PageParams>,
) -> AppResult<web::Json<Page<QuizDto>>> {
    let limit = page.limit()?;
    let after = page.after::<(DateTime<Utc>, Uuid)>()?;
    let rows = quizzes::list(&lms.ctx().db, admin.tenant.id, after, limit).await?;
    Ok(web::Json(Page::from_rows(rows, limit, |q| {
        (q.created_at, q.id)
    })))
}

/// A quiz (ADMIN).
#[utoipa::path(tag = "lms", security(("bearer" = [])),
    responses((status = 200, body = QuizDto), (status = 404, body = kernel::error::Problem)))]
#[get("/{id}")]
pub async fn detail(
    admin: Require<Admin>,
    lms: web::Data<Lms>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<QuizDto>> {
    Ok(web::Json(
        quizzes::get(&lms.ctx().db, admin.tenant.id, id.into_inner()).await?,
    ))
}

/// Invites a candidate to the quiz (ADMIN): a single-use link that works without an
/// account. The token is shown here once; only its hash is stored.
#[utoipa::path(tag = "lms", security(("bearer" = [])), request_body = NewInvite,
    responses((status = 201, body = InviteCreated), (status = 404, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[post("/{id}/invites")]
pub async fn invite(
    admin: Require<Admin>,
    lms: web::Data<Lms>,
    id: web::Path<Uuid>,
    body: ValidJson<NewInvite>,
) -> AppResult<HttpResponse> {
    let created = candidates::create_invite(
        &lms.ctx().db,
        admin.tenant.id,
        Some(admin.id),
        id.into_inner(),
        &lms.ctx().config.public_base_url,
        body.into_inner(),
    )
    .await?;
    Ok(HttpResponse::Created().json(created))
}

/// A candidate invite and its result (ADMIN).
#[utoipa::path(tag = "lms", security(("bearer" = [])),
    responses((status = 200, body = InviteResult), (status = 404, body = kernel::error::Problem)))]
#[get("/{id}")]
pub async fn invite_result(
    admin: Require<Admin>,
    lms: web::Data<Lms>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<InviteResult>> {
    Ok(web::Json(
        candidates::result(&lms.ctx().db, admin.tenant.id, id.into_inner()).await?,
    ))
}

/// A learner's accommodations (ADMIN; the defaults when none are set).
#[utoipa::path(tag = "lms", security(("bearer" = [])),
    responses((status = 200, body = AccommodationsDto), (status = 404, body = kernel::error::Problem)))]
#[get("/{user_id}/accommodations")]
pub async fn get_accommodations(
    admin: Require<Admin>,
    lms: web::Data<Lms>,
    user_id: web::Path<Uuid>,
) -> AppResult<web::Json<AccommodationsDto>> {
    Ok(web::Json(
        accommodations::get(&lms.ctx().db, admin.tenant.id, user_id.into_inner()).await?,
    ))
}

/// Sets a learner's accommodations (ADMIN): a time multiplier, extra seconds and extra
/// attempts applied to every timed assessment, without per-quiz setup.
#[utoipa::path(tag = "lms", security(("bearer" = [])), request_body = AccommodationsUpdate,
    responses((status = 200, body = AccommodationsDto), (status = 404, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[put("/{user_id}/accommodations")]
pub async fn put_accommodations(
    admin: Require<Admin>,
    lms: web::Data<Lms>,
    user_id: web::Path<Uuid>,
    body: ValidJson<AccommodationsUpdate>,
) -> AppResult<web::Json<AccommodationsDto>> {
    Ok(web::Json(
        accommodations::put(
            &lms.ctx().db,
            admin.tenant.id,
            admin.id,
            user_id.into_inner(),
            body.into_inner(),
        )
        .await?,
    ))
}

/// The quiz's attempts, learners' and candidates', newest first (ADMIN).
#[utoipa::path(tag = "lms", security(("bearer" = [])), params(PageParams),
    responses((status = 200, body = Page<AttemptSummary>), (status = 404, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[get("/{id}/attempts")]
pub async fn attempts(
    admin: Require<Admin>,
    lms: web::Data<Lms>,
    id: web::Path<Uuid>,
    page: web::Query<PageParams>,
) -> AppResult<web::Json<Page<AttemptSummary>>> {
    let limit = page.limit()?;
    let after = page.after::<(DateTime<Utc>, Uuid)>()?;
    let rows = attempt_service::list_for_quiz(
        &lms.ctx().db,
        admin.tenant.id,
        id.into_inner(),
        after,
        limit,
    )
    .await?;
    Ok(web::Json(
        Page::from_rows(rows, limit, |a| (a.started_at, a.id)).map(AttemptSummary::from),
    ))
}

//! `/api/question-bank`: the platform's questions (ADMIN). Editing writes a new version;
//! attempts keep the version they started with.

use actix_web::{HttpResponse, get, patch, post, web};
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
    dto::questions::{NewQuestion, QuestionDto, QuestionFilter, QuestionUpdate},
    service::questions,
};

/// Adds a question to the bank (ADMIN). The answer's shape must fit the kind: 422 naming
/// the field otherwise.
#[utoipa::path(tag = "lms", security(("bearer" = [])), request_body = NewQuestion,
    responses((status = 201, body = QuestionDto), (status = 422, body = kernel::error::Problem)))]
#[post("")]
pub async fn create(
    admin: Require<Admin>,
    lms: web::Data<Lms>,
    body: ValidJson<NewQuestion>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner();
    questions::check_language(lms.code_runner(), body.language_id)?;
    let q = questions::create(&lms.ctx().db, admin.tenant.id, admin.id, body).await?;
    Ok(HttpResponse::Created().json(q))
}

/// The bank, newest first, filtered by `tag`, `kind` and `difficulty` (ADMIN).
#[utoipa::path(tag = "lms", security(("bearer" = [])), params(PageParams, QuestionFilter),
    responses((status = 200, body = Page<QuestionDto>), (status = 422, body = kernel::error::Problem)))]
#[get("")]
pub async fn list(
    admin: Require<Admin>,
    lms: web::Data<Lms>,
    page: web::Query<PageParams>,
    filter: web::Query<QuestionFilter>,
) -> AppResult<web::Json<Page<QuestionDto>>> {
    let limit = page.limit()?;
    let after = page.after::<(DateTime<Utc>, Uuid)>()?;
    let rows = questions::list(&lms.ctx().db, admin.tenant.id, &filter, after, limit).await?;
    Ok(web::Json(Page::from_rows(rows, limit, |q| {
        (q.created_at, q.id)
    })))
}

/// A question with its current version and answer (ADMIN).
#[utoipa::path(tag = "lms", security(("bearer" = [])),
    responses((status = 200, body = QuestionDto), (status = 404, body = kernel::error::Problem)))]
#[get("/{id}")]
pub async fn detail(
    admin: Require<Admin>,
    lms: web::Data<Lms>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<QuestionDto>> {
    Ok(web::Json(
        questions::get(&lms.ctx().db, admin.tenant.id, id.into_inner()).await?,
    ))
}

/// Edits a question (ADMIN): a content change writes the next version (attempts already
/// started keep theirs); tags and difficulty change in place.
#[utoipa::path(tag = "lms", security(("bearer" = [])), request_body = QuestionUpdate,
    responses((status = 200, body = QuestionDto), (status = 404, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[patch("/{id}")]
pub async fn update(
    admin: Require<Admin>,
    lms: web::Data<Lms>,
    id: web::Path<Uuid>,
    body: ValidJson<QuestionUpdate>,
) -> AppResult<web::Json<QuestionDto>> {
    questions::check_language(lms.code_runner(), body.0.language_id)?;
    let q = questions::update(
        &lms.ctx().db,
        admin.tenant.id,
        admin.id,
        id.into_inner(),
        body.into_inner(),
    )
    .await?;
    Ok(web::Json(q))
}

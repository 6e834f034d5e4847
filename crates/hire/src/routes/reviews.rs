//! A candidate's request for a human review (`/api/human-review/{token}`, public: the secret
//! of the apply confirmation is the credential), HR's resolution, and interview scorecards
//! (`/api/admin/job-applications/{id}/...`, HR or ADMIN).

use actix_web::{HttpResponse, get, post, put, web};
use kernel::{
    Tenant,
    auth::{Hr, Require},
    error::AppResult,
    extract::ValidJson,
};
use uuid::Uuid;
use validator::Validate;

use crate::{
    Hire,
    dto::reviews::{
        ResolveReview, ReviewReason, ReviewRequestView, ScorecardInput, ScorecardList,
        ScorecardView,
    },
    service::reviews,
};

/// A candidate asks for a person to review the decisions on their application (AI screening
/// included), with the `review_token` of their apply answer: 201 the request (audited; HR sees
/// it in the pipeline), 200 the open one when asked again; 401 `invalid_token` for a wrong or
/// erased secret.
#[utoipa::path(tag = "hire", request_body = ReviewReason,
    params(("token" = String, Path, min_length = 64, max_length = 64, pattern = "^[0-9a-f]{64}$")),
    responses((status = 201, body = ReviewRequestView), (status = 200, body = ReviewRequestView),
        (status = 401, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[post("/{token}")]
pub async fn request(
    tenant: Tenant,
    hire: web::Data<Hire>,
    token: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let db = &hire.ctx().db;
    reviews::application_of_token(db, tenant.id, &token).await?;
    let req: ReviewReason = kernel::extract::parse_json(&body)?;
    req.validate()
        .map_err(|e| kernel::AppError::Validation(kernel::extract::field_errors(&e)))?;
    let (view, created) = reviews::request(db, &tenant, &token, req.reason).await?;
    Ok(if created {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

/// Resolves the application's open human-review request (audited); 404 without one.
#[utoipa::path(tag = "hire", security(("bearer" = [])), request_body = ResolveReview,
    responses((status = 200, body = ReviewRequestView), (status = 404, body = kernel::error::Problem),
        (status = 422, body = kernel::error::Problem)))]
#[post("/{id}/human-review/resolve")]
pub async fn resolve(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
    id: web::Path<Uuid>,
    body: ValidJson<ResolveReview>,
) -> AppResult<web::Json<ReviewRequestView>> {
    Ok(web::Json(
        reviews::resolve(&hire.ctx().db, &hr.tenant, hr.id, *id, body.into_inner()).await?,
    ))
}

/// The caller's scorecard of a stage (replaced when sent again): exactly the stage
/// template's criteria, each 1-5, and a recommendation. 422 on `stage` for a stage without a
/// scorecard.
#[utoipa::path(tag = "hire", security(("bearer" = [])), request_body = ScorecardInput,
    params(("id" = Uuid, Path), ("stage" = String, Path, min_length = 1, max_length = 40, pattern = "^[a-z_]+$")),
    responses((status = 200, body = ScorecardView), (status = 404, body = kernel::error::Problem),
        (status = 422, body = kernel::error::Problem)))]
#[put("/{id}/scorecards/{stage}")]
pub async fn put_scorecard(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
    path: web::Path<(Uuid, String)>,
    body: ValidJson<ScorecardInput>,
) -> AppResult<web::Json<ScorecardView>> {
    let (id, stage) = path.into_inner();
    Ok(web::Json(
        reviews::put_scorecard(
            &hire.ctx().db,
            &hr.tenant,
            hr.id,
            id,
            &stage,
            body.into_inner(),
        )
        .await?,
    ))
}

/// The application's scorecards, by stage, with each one's mean.
#[utoipa::path(tag = "hire", security(("bearer" = [])),
    responses((status = 200, body = ScorecardList), (status = 404, body = kernel::error::Problem)))]
#[get("/{id}/scorecards")]
pub async fn scorecards(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<ScorecardList>> {
    let db = &hire.ctx().db;
    crate::service::pipeline::find(db, hr.tenant.id, *id).await?;
    Ok(web::Json(ScorecardList {
        items: reviews::scorecards(db, *id).await?,
    }))
}

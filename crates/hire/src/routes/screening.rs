//! `/api/admin/resume-analysis` and `/api/admin/screening-config` (HR or ADMIN).

use actix_web::{get, put, web};
use kernel::{
    auth::{Hr, Require},
    error::AppResult,
    extract::ValidJson,
};
use uuid::Uuid;

use crate::{
    Hire,
    dto::screening::{
        AnalysisView, OverrideInput, OverrideView, ScreeningConfigInput, ScreeningConfigView,
    },
    service::screening,
};

/// An application's latest AI screening: `{score, summary, rubric, model, prompt_version,
/// created_at}` with the criteria, strengths, gaps, versions, and any human override (whose
/// score wins). 404 until it is screened.
#[utoipa::path(tag = "hire", security(("bearer" = [])),
    responses((status = 200, body = AnalysisView), (status = 404, body = kernel::error::Problem)))]
#[get("/{application_id}")]
pub async fn analysis(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
    application_id: web::Path<Uuid>,
) -> AppResult<web::Json<AnalysisView>> {
    Ok(web::Json(
        screening::view(&hire.ctx().db, hr.tenant.id, *application_id).await?,
    ))
}

/// Sets the human score of an application with a reason (audited). It wins over the AI's
/// score now and after any re-screen.
#[utoipa::path(tag = "hire", security(("bearer" = [])), request_body = OverrideInput,
    responses((status = 200, body = OverrideView), (status = 404, body = kernel::error::Problem),
        (status = 422, body = kernel::error::Problem)))]
#[put("/{application_id}/override")]
pub async fn set_override(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
    application_id: web::Path<Uuid>,
    body: ValidJson<OverrideInput>,
) -> AppResult<web::Json<OverrideView>> {
    Ok(web::Json(
        screening::set_override(
            &hire.ctx().db,
            hr.tenant.id,
            hr.id,
            *application_id,
            body.into_inner(),
        )
        .await?,
    ))
}

/// The platform's screening rubric and its version (the seeded default until changed).
#[utoipa::path(tag = "hire", security(("bearer" = [])),
    responses((status = 200, body = ScreeningConfigView)))]
#[get("")]
pub async fn get_config(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
) -> AppResult<web::Json<ScreeningConfigView>> {
    Ok(web::Json(
        screening::config(&hire.ctx().db, hr.tenant.id).await?,
    ))
}

/// Changes the rubric (audited): a new version, and every application still in the pipeline
/// is queued for a re-screen. Overrides stay.
#[utoipa::path(tag = "hire", security(("bearer" = [])), request_body = ScreeningConfigInput,
    responses((status = 200, body = ScreeningConfigView), (status = 422, body = kernel::error::Problem)))]
#[put("")]
pub async fn put_config(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
    body: ValidJson<ScreeningConfigInput>,
) -> AppResult<web::Json<ScreeningConfigView>> {
    let view = screening::put_config(&hire.ctx().db, &hr.tenant, hr.id, body.into_inner()).await?;
    hire.jobs().notify_committed();
    Ok(web::Json(view))
}

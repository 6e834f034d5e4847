//! `/api/admin/job-templates` (create, change, archive) and `/api/admin/stage-templates`:
//! the platform's own templates (HR or ADMIN; audited; ADR 0082).

use actix_web::{HttpResponse, get, patch, post, put, web};
use kernel::{
    auth::{Hr, Require},
    error::AppResult,
    extract::ValidJson,
};
use uuid::Uuid;

use crate::{
    Hire,
    dto::{
        posts::JobTemplateDto,
        templates::{
            JobTemplatePatch, NewJobTemplate, StageTemplateInput, StageTemplateList,
            StageTemplateView,
        },
    },
    service::templates,
};

/// Creates a job template of the platform (audited). 422 when the family has no stage
/// template; 409 `job_template_title_taken` for a title the platform already uses.
#[utoipa::path(tag = "hire", security(("bearer" = [])), request_body = NewJobTemplate,
    responses((status = 201, body = JobTemplateDto), (status = 401, body = kernel::error::Problem),
        (status = 403, body = kernel::error::Problem), (status = 409, body = kernel::error::Problem),
        (status = 422, body = kernel::error::Problem)))]
#[post("")]
pub async fn create(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
    body: ValidJson<NewJobTemplate>,
) -> AppResult<HttpResponse> {
    let dto = templates::create_job_template(&hire.ctx().db, &hr.tenant, hr.id, body.into_inner())
        .await?;
    Ok(HttpResponse::Created().json(dto))
}

/// Changes a job template of the platform (audited; `version` goes up). Posts made from it
/// keep what they copied. 409 `seeded_template_read_only` for a seeded template.
#[utoipa::path(tag = "hire", security(("bearer" = [])), request_body = JobTemplatePatch,
    responses((status = 200, body = JobTemplateDto), (status = 404, body = kernel::error::Problem),
        (status = 409, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[patch("/{id}")]
pub async fn update(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
    id: web::Path<Uuid>,
    body: ValidJson<JobTemplatePatch>,
) -> AppResult<web::Json<JobTemplateDto>> {
    Ok(web::Json(
        templates::update_job_template(&hire.ctx().db, &hr.tenant, hr.id, *id, body.into_inner())
            .await?,
    ))
}

/// Archives a job template of the platform (audited): no longer offered for new posts; its
/// title is free again. 409 `seeded_template_read_only` for a seeded template.
#[utoipa::path(tag = "hire", security(("bearer" = [])),
    responses((status = 200, body = JobTemplateDto), (status = 404, body = kernel::error::Problem),
        (status = 409, body = kernel::error::Problem)))]
#[post("/{id}/archive")]
pub async fn archive(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<JobTemplateDto>> {
    Ok(web::Json(
        templates::archive_job_template(&hire.ctx().db, &hr.tenant, hr.id, *id).await?,
    ))
}

/// The stage template in use for each job family (the platform's own over the seeded one).
#[utoipa::path(tag = "hire", security(("bearer" = [])),
    responses((status = 200, body = StageTemplateList)))]
#[get("")]
pub async fn stage_list(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
) -> AppResult<web::Json<StageTemplateList>> {
    Ok(web::Json(
        templates::stage_templates(&hire.ctx().db, hr.tenant.id).await?,
    ))
}

/// Makes the platform's next version of a family's stage template (audited): stages, stage
/// emails and scorecard criteria. New posts of the family use it; posts already made keep
/// theirs. 201 for the platform's first of the family, 200 for a later version.
#[utoipa::path(tag = "hire", security(("bearer" = [])), request_body = StageTemplateInput,
    params(("family" = String, Path, min_length = 1, max_length = 40, pattern = "^[a-z0-9_]+$")),
    responses((status = 200, body = StageTemplateView), (status = 201, body = StageTemplateView),
        (status = 422, body = kernel::error::Problem)))]
#[put("/{family}")]
pub async fn stage_put(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
    family: web::Path<String>,
    body: ValidJson<StageTemplateInput>,
) -> AppResult<HttpResponse> {
    let (view, first) = templates::put_stage_template(
        &hire.ctx().db,
        &hr.tenant,
        hr.id,
        &family,
        body.into_inner(),
    )
    .await?;
    Ok(if first {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

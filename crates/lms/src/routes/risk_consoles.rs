//! The students-at-risk consoles: `/api/batchlead/*` (`Require<BatchLead>`: the students of
//! the batches the caller leads; admins see every batch), `/api/supermentor/*`
//! (`Require<SuperMentor>`: every batch of the platform) and `/api/cm/cohorts*`
//! (`Require<CommunityManager>`: cohorts, i.e. batches, and their students).

use actix_web::{HttpResponse, get, patch, post, put, web};
use kernel::{
    auth::{AuthUser, BatchLead, CommunityManager, Require, SuperMentor},
    error::AppResult,
    extract::{ValidJson, ValidQuery},
};
use uuid::Uuid;

use crate::{
    Lms,
    dto::course_plans::{CoursePlan, CoursePlanEdit, NewCoursePlan},
    dto::risk::{
        Cohort, Intervention, InterventionUpdate, NewIntervention, StudentFilter, StudentRisk,
        StudentRiskHistory,
    },
    service::engagement::{
        consoles::{self, Viewer},
        course_plans,
    },
};

fn lead_view(user: &AuthUser) -> Viewer {
    if user.role.is_admin() {
        Viewer::All
    } else {
        Viewer::LeadOf(user.id)
    }
}

/// The students of the caller's batches, riskiest first, with score, reasons (each part
/// explained), trend over a week, XP and open interventions. Admins see every batch.
#[utoipa::path(tag = "lms", security(("bearer" = [])), params(StudentFilter),
    responses((status = 200, body = Vec<StudentRisk>), (status = 403, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[get("/students")]
pub async fn lead_students(
    lead: Require<BatchLead>,
    lms: web::Data<Lms>,
    filter: ValidQuery<StudentFilter>,
) -> AppResult<web::Json<Vec<StudentRisk>>> {
    Ok(web::Json(
        consoles::students(&lms.ctx().db, lead.tenant.id, lead_view(&lead), &filter.0).await?,
    ))
}

/// A student's score history and interventions; 403 for a student outside the caller's
/// batches.
#[utoipa::path(tag = "lms", security(("bearer" = [])),
    params(("user_id" = Uuid, Path, description = "The student")),
    responses((status = 200, body = StudentRiskHistory), (status = 403, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem)))]
#[get("/students/{user_id}/risk")]
pub async fn lead_history(
    lead: Require<BatchLead>,
    lms: web::Data<Lms>,
    user_id: web::Path<Uuid>,
) -> AppResult<web::Json<StudentRiskHistory>> {
    Ok(web::Json(
        consoles::history(
            &lms.ctx().db,
            lead.tenant.id,
            lead_view(&lead),
            user_id.into_inner(),
        )
        .await?,
    ))
}

/// Logs an intervention (call, message, mentor session) about a student of the caller's
/// batches; its outcome is `pending` until recorded.
#[utoipa::path(tag = "lms", security(("bearer" = [])), request_body = NewIntervention,
    responses((status = 201, body = Intervention), (status = 403, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[post("/interventions")]
pub async fn lead_intervene(
    lead: Require<BatchLead>,
    lms: web::Data<Lms>,
    body: ValidJson<NewIntervention>,
) -> AppResult<HttpResponse> {
    let done = consoles::create_intervention(
        &lms.ctx().db,
        lead.tenant.id,
        lead_view(&lead),
        lead.id,
        &body.into_inner(),
    )
    .await?;
    Ok(HttpResponse::Created().json(done))
}

/// Records an intervention's outcome.
#[utoipa::path(tag = "lms", security(("bearer" = [])), request_body = InterventionUpdate,
    params(("id" = Uuid, Path, description = "The intervention")),
    responses((status = 200, body = Intervention), (status = 403, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[patch("/interventions/{id}")]
pub async fn lead_outcome(
    lead: Require<BatchLead>,
    lms: web::Data<Lms>,
    id: web::Path<Uuid>,
    body: ValidJson<InterventionUpdate>,
) -> AppResult<web::Json<Intervention>> {
    Ok(web::Json(
        consoles::update_intervention(
            &lms.ctx().db,
            lead.tenant.id,
            lead_view(&lead),
            id.into_inner(),
            &body.into_inner(),
        )
        .await?,
    ))
}

/// Every batch's students, riskiest first (super mentor).
#[utoipa::path(tag = "lms", security(("bearer" = [])), params(StudentFilter),
    responses((status = 200, body = Vec<StudentRisk>), (status = 403, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[get("/students")]
pub async fn super_students(
    sm: Require<SuperMentor>,
    lms: web::Data<Lms>,
    filter: ValidQuery<StudentFilter>,
) -> AppResult<web::Json<Vec<StudentRisk>>> {
    Ok(web::Json(
        consoles::students(&lms.ctx().db, sm.tenant.id, Viewer::All, &filter.0).await?,
    ))
}

/// A student's score history and interventions (super mentor).
#[utoipa::path(tag = "lms", security(("bearer" = [])),
    params(("user_id" = Uuid, Path, description = "The student")),
    responses((status = 200, body = StudentRiskHistory), (status = 403, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem)))]
#[get("/students/{user_id}/risk")]
pub async fn super_history(
    sm: Require<SuperMentor>,
    lms: web::Data<Lms>,
    user_id: web::Path<Uuid>,
) -> AppResult<web::Json<StudentRiskHistory>> {
    Ok(web::Json(
        consoles::history(
            &lms.ctx().db,
            sm.tenant.id,
            Viewer::All,
            user_id.into_inner(),
        )
        .await?,
    ))
}

/// Logs an intervention about any student of the platform (super mentor).
#[utoipa::path(tag = "lms", security(("bearer" = [])), request_body = NewIntervention,
    responses((status = 201, body = Intervention), (status = 403, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[post("/interventions")]
pub async fn super_intervene(
    sm: Require<SuperMentor>,
    lms: web::Data<Lms>,
    body: ValidJson<NewIntervention>,
) -> AppResult<HttpResponse> {
    let done = consoles::create_intervention(
        &lms.ctx().db,
        sm.tenant.id,
        Viewer::All,
        sm.id,
        &body.into_inner(),
    )
    .await?;
    Ok(HttpResponse::Created().json(done))
}

/// Records an intervention's outcome (super mentor).
#[utoipa::path(tag = "lms", security(("bearer" = [])), request_body = InterventionUpdate,
    params(("id" = Uuid, Path, description = "The intervention")),
    responses((status = 200, body = Intervention), (status = 403, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[patch("/interventions/{id}")]
pub async fn super_outcome(
    sm: Require<SuperMentor>,
    lms: web::Data<Lms>,
    id: web::Path<Uuid>,
    body: ValidJson<InterventionUpdate>,
) -> AppResult<web::Json<Intervention>> {
    Ok(web::Json(
        consoles::update_intervention(
            &lms.ctx().db,
            sm.tenant.id,
            Viewer::All,
            id.into_inner(),
            &body.into_inner(),
        )
        .await?,
    ))
}

/// Every cohort (batch) with its students' count, at-risk count, mean risk and mean XP
/// (community manager).
#[utoipa::path(tag = "lms", security(("bearer" = [])),
    responses((status = 200, body = Vec<Cohort>), (status = 403, body = kernel::error::Problem)))]
#[get("")]
pub async fn cohorts(
    cm: Require<CommunityManager>,
    lms: web::Data<Lms>,
) -> AppResult<web::Json<Vec<Cohort>>> {
    Ok(web::Json(
        consoles::cohorts(&lms.ctx().db, cm.tenant.id).await?,
    ))
}

/// A cohort's students, riskiest first (community manager); 404 for another platform's.
#[utoipa::path(tag = "lms", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The batch")),
    responses((status = 200, body = Vec<StudentRisk>), (status = 403, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem)))]
#[get("/{id}/students")]
pub async fn cohort_students(
    cm: Require<CommunityManager>,
    lms: web::Data<Lms>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<Vec<StudentRisk>>> {
    let batch_id = id.into_inner();
    consoles::batch_exists(&lms.ctx().db, cm.tenant.id, batch_id).await?;
    let filter = StudentFilter {
        batch_id: Some(batch_id),
        ..StudentFilter::default()
    };
    Ok(web::Json(
        consoles::students(&lms.ctx().db, cm.tenant.id, Viewer::All, &filter).await?,
    ))
}

/// Asks for a student's AI course plan (the student's batch lead; admins any): 202 with the
/// plan `pending`; `coursePlanQueue` writes it through the LLM gateway.
#[utoipa::path(tag = "lms", security(("bearer" = [])), request_body = NewCoursePlan,
    responses((status = 202, body = CoursePlan), (status = 403, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[post("/course-plans")]
pub async fn request_plan(
    lead: Require<BatchLead>,
    lms: web::Data<Lms>,
    body: ValidJson<NewCoursePlan>,
) -> AppResult<HttpResponse> {
    let plan = course_plans::request(
        &lms.ctx().db,
        &lead.tenant,
        lead_view(&lead),
        lead.id,
        &body.into_inner(),
    )
    .await?;
    lms.jobs().notify_committed();
    Ok(HttpResponse::Accepted().json(plan))
}

/// A course plan with its status, provider, model and prompt version.
#[utoipa::path(tag = "lms", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The plan")),
    responses((status = 200, body = CoursePlan), (status = 403, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem)))]
#[get("/course-plans/{id}")]
pub async fn get_plan(
    lead: Require<BatchLead>,
    lms: web::Data<Lms>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<CoursePlan>> {
    Ok(web::Json(
        course_plans::get(
            &lms.ctx().db,
            lead.tenant.id,
            lead_view(&lead),
            id.into_inner(),
        )
        .await?,
    ))
}

/// Replaces a ready plan with the lead's edit (it must satisfy the plan's schema: 422 on
/// `plan`); 409 `course_plan_not_ready` while pending or failed.
#[utoipa::path(tag = "lms", security(("bearer" = [])), request_body = CoursePlanEdit,
    params(("id" = Uuid, Path, description = "The plan")),
    responses((status = 200, body = CoursePlan), (status = 403, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem), (status = 409, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[put("/course-plans/{id}")]
pub async fn edit_plan(
    lead: Require<BatchLead>,
    lms: web::Data<Lms>,
    id: web::Path<Uuid>,
    body: ValidJson<CoursePlanEdit>,
) -> AppResult<web::Json<CoursePlan>> {
    Ok(web::Json(
        course_plans::edit(
            &lms.ctx().db,
            lead.tenant.id,
            lead_view(&lead),
            lead.id,
            id.into_inner(),
            &body.0.plan,
        )
        .await?,
    ))
}

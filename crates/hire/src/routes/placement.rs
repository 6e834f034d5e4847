//! `/api/placement-score`: a student's placement score, role-scoped: the student themselves
//! (`/me`), HR and admins, and the lead of a batch the student is in.

use actix_web::{get, web};
use integrations::dto::profile::PlacementSection;
use kernel::{
    AppError,
    auth::{AuthUser, Capability, Policy, Require},
    error::AppResult,
};
use uuid::Uuid;

use crate::{Hire, service::placement};

/// HR (or an admin) or a batch lead; a batch lead then only sees the students of their
/// batches.
#[derive(Debug, Clone, Copy)]
pub struct PlacementViewer;

impl Policy for PlacementViewer {
    const NAME: &'static str = "the HR or batch-lead capability";
    fn allows(user: &AuthUser) -> bool {
        user.can(Capability::Hr) || user.can(Capability::BatchLead)
    }
}

/// The caller's own placement score: quizzes, projects and practice interviews, each with its
/// weight, and their weighted mean.
#[utoipa::path(tag = "hire", security(("bearer" = [])),
    responses((status = 200, body = PlacementSection), (status = 401, body = kernel::error::Problem)))]
#[get("/me")]
pub async fn mine(user: AuthUser, hire: web::Data<Hire>) -> AppResult<web::Json<PlacementSection>> {
    Ok(web::Json(
        placement::score(&hire.ctx().db, user.tenant.id, user.id).await?,
    ))
}

/// A student's placement score (HR, admins; a batch lead for the students of their batches,
/// 403 for others).
#[utoipa::path(tag = "hire", security(("bearer" = [])),
    responses((status = 200, body = PlacementSection), (status = 403, body = kernel::error::Problem)))]
#[get("/{user_id}")]
pub async fn of_student(
    viewer: Require<PlacementViewer>,
    hire: web::Data<Hire>,
    user_id: web::Path<Uuid>,
) -> AppResult<web::Json<PlacementSection>> {
    let db = &hire.ctx().db;
    if !placement::may_view(db, &viewer, *user_id).await? {
        return Err(AppError::forbidden(
            "a batch lead sees the placement score of their batches' students only",
        ));
    }
    Ok(web::Json(
        placement::score(db, viewer.tenant.id, *user_id).await?,
    ))
}

//! `/api/admin/candidates`: erasure of a candidate's personal data (HR or ADMIN).

use actix_web::{delete, web};
use kernel::{
    auth::{Hr, Require},
    error::AppResult,
};
use uuid::Uuid;

use crate::{Hire, dto::applications::Erased, service::erasure};

/// Erases a candidate's personal data across their applications (audited): name, email,
/// phone, answers, notes, rating comments, screening texts, transcripts, resumes and
/// recordings. Stages, the stage log and scores stay, so the funnel's counts do not change.
#[utoipa::path(tag = "hire", security(("bearer" = [])),
    responses((status = 200, body = Erased), (status = 404, body = kernel::error::Problem)))]
#[delete("/{id}")]
pub async fn erase(
    hr: Require<Hr>,
    hire: web::Data<Hire>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<Erased>> {
    Ok(web::Json(
        erasure::erase_candidate(&hire.ctx().db, hire.storage(), hr.tenant.id, hr.id, *id).await?,
    ))
}

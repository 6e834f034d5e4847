//! `/api/admin/course-enrollments`: an admin's grant of a course (idempotent per user and
//! course) and batch assignment.

use actix_web::{HttpResponse, post, put, web};
use kernel::{
    AppContext,
    auth::{Admin, Require},
    error::AppResult,
    extract::ValidJson,
};
use uuid::Uuid;

use crate::{
    dto::enrollments::{AssignBatch, EnrollmentDto, GrantEnrollment},
    entities::EnrollmentSource,
    service::enrollment::{self, NewEnrollment},
};

/// Enrols a user of the platform in a course (ADMIN): 201 with the enrolment, or 200 with
/// the same enrolment when the user already has it. With `batch_id` the student takes a seat
/// (409 `batch_full` when none is left; then nothing is enrolled).
#[utoipa::path(tag = "lms", security(("bearer" = [])), request_body = GrantEnrollment,
    responses((status = 201, body = EnrollmentDto), (status = 200, body = EnrollmentDto, description = "already enrolled: the same enrolment"),
        (status = 404, body = kernel::error::Problem), (status = 409, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[post("")]
pub async fn grant(
    admin: Require<Admin>,
    ctx: web::Data<AppContext>,
    body: ValidJson<GrantEnrollment>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let made = enrollment::grant(
        &ctx.db,
        admin.tenant.id,
        NewEnrollment {
            user_id: b.user_id,
            course_id: b.course_id,
            batch_id: b.batch_id,
            source: EnrollmentSource::Grant,
            order_id: None,
            granted_by: Some(admin.id),
        },
    )
    .await?;
    let dto = EnrollmentDto::from(made.enrollment);
    Ok(if made.created {
        HttpResponse::Created().json(dto)
    } else {
        HttpResponse::Ok().json(dto)
    })
}

/// Seats an enrolment in a batch of its course, giving back its old seat (ADMIN); 409
/// `batch_full` when no seat is left.
#[utoipa::path(tag = "lms", security(("bearer" = [])), request_body = AssignBatch,
    responses((status = 200, body = EnrollmentDto), (status = 404, body = kernel::error::Problem), (status = 409, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[put("/{id}/batch")]
pub async fn assign_batch(
    admin: Require<Admin>,
    ctx: web::Data<AppContext>,
    id: web::Path<Uuid>,
    body: ValidJson<AssignBatch>,
) -> AppResult<web::Json<EnrollmentDto>> {
    let row = enrollment::assign_batch(&ctx.db, admin.tenant.id, id.into_inner(), body.0.batch_id)
        .await?;
    Ok(web::Json(EnrollmentDto::from(row)))
}

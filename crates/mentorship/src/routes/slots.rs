//! `/api/mentors/me/slots/{id}`: a mentor moves or withdraws one of their open slots. A
//! booked slot is 409 `slot_booked` (cancel the booking instead), one that has started 409
//! `slot_expired`, another mentor's slot (or one already withdrawn) 404.

use actix_web::{HttpResponse, delete, patch, web};
use kernel::{
    AppContext,
    auth::{Expert, Require},
    error::{AppResult, Problem},
    extract::ValidJson,
};
use uuid::Uuid;

use crate::{
    dto::{SlotDto, SlotPatch},
    service::slots,
};

/// Moves one of the caller's open slots (EXPERT): `start_at` and/or `end_at`, within the
/// limits of opening one (start in the future, end after it, at most 8 hours). The slot is
/// replaced: the answer is the open slot under its **new id**, and the old id is withdrawn,
/// so a student booking from a list loaded before the move gets 409 `slot_taken` instead of
/// a time they did not choose. Unchanged times change nothing (same id). An overlap with
/// another of the caller's slots is 409 `slot_overlap`.
#[utoipa::path(tag = "mentorship", security(("bearer" = [])), request_body = SlotPatch,
    params(("id" = Uuid, Path, description = "slot id")),
    responses(
        (status = 200, description = "the slot at its new times (new id)", body = SlotDto),
        (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "not a mentor, or the mentor profile is not approved (`mentor_not_approved`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "no such slot of the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`slot_booked`, `slot_expired` or `slot_overlap`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "times outside the limits, or an unknown field", body = Problem, content_type = "application/problem+json")))]
#[patch("/me/slots/{id}")]
pub async fn edit(
    mentor: Require<Expert>,
    ctx: web::Data<AppContext>,
    id: web::Path<Uuid>,
    body: ValidJson<SlotPatch>,
) -> AppResult<web::Json<SlotDto>> {
    let b = body.into_inner();
    let slot = slots::edit(
        &ctx.db,
        mentor.tenant.id,
        mentor.id,
        id.into_inner(),
        b.start_at,
        b.end_at,
    )
    .await?;
    Ok(web::Json(SlotDto::from(slot)))
}

/// Withdraws one of the caller's open slots (EXPERT): it is no longer bookable.
#[utoipa::path(tag = "mentorship", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "slot id")),
    responses(
        (status = 204, description = "withdrawn"),
        (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "not a mentor", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "no such slot of the caller's (or already withdrawn)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`slot_booked` or `slot_expired`", body = Problem, content_type = "application/problem+json")))]
#[delete("/me/slots/{id}")]
pub async fn withdraw(
    mentor: Require<Expert>,
    ctx: web::Data<AppContext>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    slots::withdraw(&ctx.db, mentor.tenant.id, mentor.id, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

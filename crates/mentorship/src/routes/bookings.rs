//! Booking, cancelling, and the meeting of a booking.

use actix_web::{HttpResponse, get, post, web};
use kernel::{
    AppContext,
    auth::AuthUser,
    error::{AppResult, Problem},
    extract::{IdempotencyKey, OptionalJson, ValidJson, ValidQuery},
    pagination::Page,
};
use uuid::Uuid;

use crate::{
    Mentorship,
    dto::{
        BookingDto, CancelRequest, Completed, FeedbackRequest, JoinInfo, MeetingDto, Participant,
        RescheduleRequest,
        bookings::{BookingFilter, BookingItem},
    },
    entities::MeetingStatus,
    error::MentorshipError,
    service::{
        booking::{self, Actor},
        completion,
        listings::{self, Scope},
        meetings as meetings_service, reschedule as reschedule_service,
    },
};

fn actor(user: &AuthUser) -> Actor {
    Actor {
        user_id: user.id,
        is_admin: user.role.is_admin(),
    }
}

/// The caller's own bookings as a student, with the mentor, the session's times and the
/// tokens: `status=upcoming` soonest first, `past` / `cancelled` / absent newest first.
#[utoipa::path(tag = "mentorship", security(("bearer" = [])), params(BookingFilter),
    responses(
        (status = 200, body = Page<BookingItem>),
        (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`status`, `limit` or `cursor` is invalid (the field is named)", body = Problem, content_type = "application/problem+json")))]
#[get("/me")]
pub async fn mine(
    user: AuthUser,
    ctx: web::Data<AppContext>,
    filter: ValidQuery<BookingFilter>,
) -> AppResult<web::Json<Page<BookingItem>>> {
    let page =
        listings::bookings(&ctx.db, user.tenant.id, Scope::Student(user.id), &filter.0).await?;
    Ok(web::Json(page))
}

/// Books a slot: the mentor's price is held from the caller's tokens (402
/// `insufficient_tokens` when short), the slot is booked (409 `slot_taken` when someone was
/// first) and the meeting created. `Idempotency-Key` makes a repeat return the first booking.
#[utoipa::path(tag = "mentorship", security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "dedupes repeats: 1-200 visible ASCII characters", pattern = r"^[\x21-\x7E]{1,200}$")),
    responses((status = 201, body = BookingDto), (status = 402, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem), (status = 409, body = kernel::error::Problem)))]
#[post("/{id}/book")]
pub async fn book(
    user: AuthUser,
    ctx: web::Data<AppContext>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    jobs: web::Data<jobs::Jobs>,
) -> AppResult<HttpResponse> {
    let (made, created) = booking::book(
        &ctx,
        &user.tenant,
        user.id,
        id.into_inner(),
        key.0.as_deref(),
    )
    .await?;
    if created {
        jobs.notify_committed();
    }
    Ok(HttpResponse::Created().json(made))
}

/// Cancels a booking (its student, its mentor, or an admin); tokens are released per the
/// cancellation policy.
#[utoipa::path(tag = "mentorship", security(("bearer" = [])), request_body(content = Option<CancelRequest>, description = "optional reason"),
    responses((status = 200, body = BookingDto), (status = 404, body = kernel::error::Problem), (status = 409, body = kernel::error::Problem)))]
#[post("/{id}/cancel")]
pub async fn cancel(
    user: AuthUser,
    ctx: web::Data<AppContext>,
    id: web::Path<Uuid>,
    body: OptionalJson<CancelRequest>,
    jobs: web::Data<jobs::Jobs>,
) -> AppResult<web::Json<BookingDto>> {
    let reason = body.0.and_then(|b| b.reason);
    let cancelled =
        booking::cancel(&ctx, &user.tenant, actor(&user), id.into_inner(), reason).await?;
    jobs.notify_committed();
    Ok(web::Json(cancelled))
}

/// A meeting with its participants (participants and admins only).
#[utoipa::path(tag = "mentorship", security(("bearer" = [])), responses((status = 200, body = MeetingDto), (status = 404, body = kernel::error::Problem)))]
#[get("/{id}")]
pub async fn meeting(
    user: AuthUser,
    ctx: web::Data<AppContext>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<MeetingDto>> {
    let m = meetings_service::visible(
        &ctx.db,
        user.tenant.id,
        user.id,
        user.role.is_admin(),
        id.into_inner(),
    )
    .await?;
    Ok(web::Json(MeetingDto {
        id: m.id,
        booking_id: m.booking_id,
        status: m.status,
        starts_at: m.starts_at,
        ends_at: m.ends_at,
        participants: vec![
            Participant {
                user_id: m.mentor_user_id,
                role: "mentor".into(),
            },
            Participant {
                user_id: m.student_user_id,
                role: "student".into(),
            },
        ],
    }))
}

/// Marks the session held (its mentor or an admin): the held tokens go to the mentor's
/// earnings and the platform's commission. A second call changes nothing.
#[utoipa::path(tag = "mentorship", security(("bearer" = [])), responses((status = 200, body = Completed), (status = 403, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem), (status = 409, body = kernel::error::Problem)))]
#[post("/{id}/complete")]
pub async fn complete(
    user: AuthUser,
    ctx: web::Data<AppContext>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<Completed>> {
    let m = completion::complete(&ctx.db, user.tenant.id, actor(&user), id.into_inner()).await?;
    Ok(web::Json(Completed {
        meeting_id: m.id,
        status: m.status,
    }))
}

/// Joins a meeting: its room and window (participants and admins). Outside the window:
/// 403 `too_early` before it opens, 409 `meeting_over` after it closes or once it ended.
#[utoipa::path(tag = "mentorship", security(("bearer" = [])), responses((status = 200, body = JoinInfo), (status = 403, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem), (status = 409, body = kernel::error::Problem)))]
#[get("/{id}/join")]
pub async fn join(
    user: AuthUser,
    ctx: web::Data<AppContext>,
    mentorship: web::Data<Mentorship>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<JoinInfo>> {
    let m = meetings_service::visible(
        &ctx.db,
        user.tenant.id,
        user.id,
        user.role.is_admin(),
        id.into_inner(),
    )
    .await?;
    let window = mentorship.join_policy().window(&m);
    let now = chrono::Utc::now();
    let over = matches!(
        m.status,
        MeetingStatus::Cancelled | MeetingStatus::Completed | MeetingStatus::Ended
    );
    if over || now > window.closes_at {
        return Err(MentorshipError::MeetingOver(format!("the meeting is {}", m.status)).into());
    }
    if now < window.opens_at {
        return Err(MentorshipError::TooEarly(format!(
            "the meeting can be joined from {}",
            window.opens_at.to_rfc3339()
        ))
        .into());
    }
    meetings_service::mark_joined(&ctx.db, &m, user.id, window, now).await?;
    let role = if user.id == m.mentor_user_id {
        "mentor"
    } else if user.id == m.student_user_id {
        "student"
    } else {
        "admin"
    };
    Ok(web::Json(JoinInfo {
        meeting_id: m.id,
        room_id: m.id,
        role: role.into(),
        opens_at: window.opens_at,
        closes_at: window.closes_at,
    }))
}

/// The student rates a completed session (once); it feeds the mentor's rating.
#[utoipa::path(tag = "mentorship", security(("bearer" = [])), request_body = FeedbackRequest, responses((status = 204), (status = 403, body = kernel::error::Problem), (status = 409, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[post("/{id}/feedback")]
pub async fn feedback(
    user: AuthUser,
    ctx: web::Data<AppContext>,
    id: web::Path<Uuid>,
    body: ValidJson<FeedbackRequest>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    meetings_service::feedback(
        &ctx.db,
        user.tenant.id,
        user.id,
        id.into_inner(),
        b.rating,
        &b.comment,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Moves a booking to another open slot of the same mentor (its student or an admin); the
/// tokens stay held and the old slot reopens.
#[utoipa::path(tag = "mentorship", security(("bearer" = [])), request_body = RescheduleRequest, responses((status = 200, body = BookingDto), (status = 404, body = kernel::error::Problem), (status = 409, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[post("/{id}/reschedule")]
pub async fn reschedule(
    user: AuthUser,
    ctx: web::Data<AppContext>,
    id: web::Path<Uuid>,
    body: ValidJson<RescheduleRequest>,
    jobs: web::Data<jobs::Jobs>,
) -> AppResult<web::Json<BookingDto>> {
    let moved = reschedule_service::reschedule(
        &ctx,
        &user.tenant,
        actor(&user),
        id.into_inner(),
        body.0.slot_id,
    )
    .await?;
    jobs.notify_committed();
    Ok(web::Json(moved))
}

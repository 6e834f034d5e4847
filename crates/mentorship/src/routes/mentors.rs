//! `/api/mentors`: applying, the public list and detail, slots; `/api/admin/mentors`.

use actix_web::{HttpResponse, get, post, web};
use chrono::{Duration, Utc};
use kernel::{
    AppContext, AppError, Tenant,
    auth::{Admin, AuthUser, Expert, Require},
    error::{AppResult, Problem},
    extract::{ValidJson, ValidQuery},
    pagination::{MAX_LIMIT, Page},
};
use uuid::Uuid;

use crate::{
    dto::{
        ApplyRequest, MentorDto, MentorFilter, NewSlot, Range, SlotDto,
        bookings::{BookingFilter, BookingItem},
    },
    entities::MentorStatus,
    service::{
        catalogue,
        listings::{self, Scope},
        profiles, slots,
    },
    state::Mentorship,
};

/// Applies as a mentor (any signed-in user); an admin approves.
#[utoipa::path(tag = "mentorship", security(("bearer" = [])), request_body = ApplyRequest,
    responses((status = 201, body = MentorDto), (status = 409, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[post("/me")]
pub async fn apply(
    user: AuthUser,
    ctx: web::Data<AppContext>,
    body: ValidJson<ApplyRequest>,
) -> AppResult<HttpResponse> {
    let profile = profiles::apply(&ctx.db, user.tenant.id, user.id, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(MentorDto::new(profile, None)))
}

/// The caller's own mentor profile, whatever its status.
#[utoipa::path(tag = "mentorship", security(("bearer" = [])), responses((status = 200, body = MentorDto), (status = 404, body = kernel::error::Problem)))]
#[get("/me")]
pub async fn my_profile(
    user: AuthUser,
    ctx: web::Data<AppContext>,
) -> AppResult<web::Json<MentorDto>> {
    let profile = profiles::of_user(&ctx.db, user.tenant.id, user.id)
        .await?
        .ok_or_else(|| AppError::not_found("you have not applied as a mentor"))?;
    Ok(web::Json(MentorDto::new(profile, None)))
}

/// Opens an availability slot (approved mentors); an overlapping slot is 409 `slot_overlap`.
#[utoipa::path(tag = "mentorship", security(("bearer" = [])), request_body = NewSlot,
    responses((status = 201, body = SlotDto), (status = 403, body = kernel::error::Problem), (status = 409, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[post("/me/slots")]
pub async fn open_slot(
    mentor: Require<Expert>,
    ctx: web::Data<AppContext>,
    body: ValidJson<NewSlot>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let slot = slots::open(&ctx.db, mentor.tenant.id, mentor.id, b.start_at, b.end_at).await?;
    Ok(HttpResponse::Created().json(SlotDto::from(slot)))
}

/// Bookings of the caller's slots (EXPERT), with the student: `status=upcoming` soonest
/// first, `past` / `cancelled` / absent newest first.
#[utoipa::path(tag = "mentorship", security(("bearer" = [])), params(BookingFilter),
    responses(
        (status = 200, body = Page<BookingItem>),
        (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "not a mentor", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`status`, `limit` or `cursor` is invalid (the field is named)", body = Problem, content_type = "application/problem+json")))]
#[get("/me/bookings")]
pub async fn my_bookings(
    mentor: Require<Expert>,
    ctx: web::Data<AppContext>,
    filter: ValidQuery<BookingFilter>,
) -> AppResult<web::Json<Page<BookingItem>>> {
    let page = listings::bookings(
        &ctx.db,
        mentor.tenant.id,
        Scope::Mentor(mentor.id),
        &filter.0,
    )
    .await?;
    Ok(web::Json(page))
}

/// Approved mentors of this platform (public), filtered, each with its next open slot.
#[utoipa::path(tag = "mentorship", params(MentorFilter), responses((status = 200, body = Page<MentorDto>), (status = 422, body = kernel::error::Problem)))]
#[get("")]
pub async fn list(
    tenant: Tenant,
    ctx: web::Data<AppContext>,
    mentorship: web::Data<Mentorship>,
    filter: web::Query<MentorFilter>,
) -> AppResult<HttpResponse> {
    let limit = match filter.limit {
        None => 20,
        Some(l) if (1..=MAX_LIMIT).contains(&l) => l,
        Some(_) => {
            return Err(AppError::invalid_field(
                "limit",
                format!("must be between 1 and {MAX_LIMIT}"),
            ));
        }
    };
    // the page from this replica's copy when fresh (ADR 0083): keyed by the platform and the
    // filters as parsed, so unknown parameters do not make new entries; requests that miss
    // the same page at once (all of them, the moment it expires) share one read (ADR 0092)
    let ttl = mentorship.config().mentor_list_cache;
    let key = (tenant.id, format!("{limit}|{:?}", filter.0));
    let body = catalogue::pages(&ctx)
        .get_or_load(key, ttl, async {
            let page = profiles::list(&ctx.db, tenant.id, &filter, limit).await?;
            serde_json::to_vec(&page)
                .map(web::Bytes::from)
                .map_err(|e| AppError::Unexpected(anyhow::Error::new(e)))
        })
        .await?;
    Ok(json_bytes(body))
}

fn json_bytes(body: web::Bytes) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(actix_web::http::header::ContentType::json())
        .body(body)
}

/// One approved mentor (public).
#[utoipa::path(tag = "mentorship", responses((status = 200, body = MentorDto), (status = 404, body = kernel::error::Problem)))]
#[get("/{id}")]
pub async fn detail(
    tenant: Tenant,
    ctx: web::Data<AppContext>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<MentorDto>> {
    let profile = profiles::get(&ctx.db, tenant.id, id.into_inner()).await?;
    if profile.status != MentorStatus::Approved {
        return Err(AppError::not_found("no such mentor"));
    }
    let next = slots::open_between(
        &ctx.db,
        tenant.id,
        profile.id,
        Utc::now(),
        Utc::now() + Duration::days(365),
    )
    .await?
    .into_iter()
    .next()
    .map(SlotDto::from);
    Ok(web::Json(MentorDto::new(profile, next)))
}

/// A mentor's open slots between `from` and `to` (public).
#[utoipa::path(tag = "mentorship", params(Range), responses((status = 200, body = Vec<SlotDto>), (status = 422, body = kernel::error::Problem)))]
#[get("/{id}/slots")]
pub async fn open_slots(
    tenant: Tenant,
    ctx: web::Data<AppContext>,
    id: web::Path<Uuid>,
    range: web::Query<Range>,
) -> AppResult<web::Json<Vec<SlotDto>>> {
    let from = range.from.unwrap_or_else(Utc::now);
    let to = range.to.unwrap_or(from + Duration::days(30));
    if to <= from || to - from > Duration::days(92) {
        return Err(AppError::invalid_field(
            "to",
            "must be after from and at most 92 days later",
        ));
    }
    let profile = profiles::get(&ctx.db, tenant.id, id.into_inner()).await?;
    let open = slots::open_between(&ctx.db, tenant.id, profile.id, from, to).await?;
    Ok(web::Json(open.into_iter().map(SlotDto::from).collect()))
}

/// Approves a mentor application (admins).
#[utoipa::path(tag = "mentorship", security(("bearer" = [])), responses((status = 200, body = MentorDto), (status = 404, body = kernel::error::Problem)))]
#[post("/{id}/approve")]
pub async fn approve(
    admin: Require<Admin>,
    ctx: web::Data<AppContext>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<MentorDto>> {
    let profile =
        profiles::approve_and_promote(&ctx, &admin.tenant, id.into_inner(), admin.id).await?;
    Ok(web::Json(MentorDto::new(profile, None)))
}

//! The marketing routes (ADR 0077): the public forms (`/api/course-interest`,
//! `/api/ai-for-everyone`, event and league registrations), the public event list
//! (`/api/event-config`), the live banners (`/api/sticky-banners`, `/api/popup-banners`) and
//! the admin's events and banners (`/api/admin/event-config`, `/api/admin/banners`).

use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use kernel::{
    Tenant,
    auth::{Admin, MaybeUser, Require},
    error::{AppResult, Problem},
    extract::ValidJson,
    pagination::{Page, PageParams},
    ratelimit,
};
use storage::Storage;
use uuid::Uuid;

use crate::{
    Crm,
    dto::marketing::{
        AiForEveryoneRequest, BannerDto, BannerFilter, BannerKind, BannerRequest,
        CourseInterestRequest, Device, DeviceQuery, EventConfigDto, EventConfigRequest,
        EventFilter, EventKind, EventRegistrationRequest, FormAnswer, LeagueRegistrationRequest,
        LiveBanners, RegistrationAnswer, RegistrationDto,
    },
    service::{
        banners,
        marketing::{self, Extra},
    },
};

/// One hit of the caller's IP on the marketing forms' limit (`LEAD_CAPTURE_RATE_LIMIT`).
async fn limit(req: &HttpRequest, crm: &Crm) -> AppResult<()> {
    let ctx = crm.ctx();
    let ip = ratelimit::client_ip(req, &ctx.config.trusted_proxies);
    ratelimit::hit(
        ctx,
        &format!("marketing-form:ip:{ip}"),
        crm.config().capture_rate,
    )
    .await
}

fn accepted() -> HttpResponse {
    HttpResponse::Accepted().json(FormAnswer { received: true })
}

/// The course-interest form (no account): 202 `{received: true}` whatever happened (a new
/// lead, a repeat on the first lead's timeline, a discarded honeypot). The lead's form is
/// `course-interest`, its course the one asked about; UTM kept; `lead.form_submitted` fires
/// the workflows. 429 over `LEAD_CAPTURE_RATE_LIMIT` per IP.
#[utoipa::path(tag = "crm", request_body = CourseInterestRequest,
    responses((status = 202, body = FormAnswer), (status = 404, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
#[post("")]
pub async fn course_interest(
    req: HttpRequest,
    tenant: Tenant,
    crm: web::Data<Crm>,
    body: ValidJson<CourseInterestRequest>,
) -> AppResult<HttpResponse> {
    limit(&req, &crm).await?;
    let b = body.into_inner();
    let person = b.person();
    if marketing::is_bot(&person) {
        tracing::info!(
            form = "course-interest",
            "marketing form: honeypot filled, discarded"
        );
        return Ok(accepted());
    }
    let course = marketing::text("course", &b.course)?;
    let message = marketing::opt_text("message", b.message.as_deref())?;
    let lead = marketing::inbound(
        "course-interest",
        person,
        Some(course),
        serde_json::json!({ "message": message }),
    )?;
    let done = marketing::submit(&crm.ctx().db, &tenant, lead).await?;
    crm.jobs().notify_committed();
    tracing::info!(lead_id = %done.id, duplicate = done.duplicate, "course-interest form");
    Ok(accepted())
}

/// The AI-for-everyone sign-up (no account): like the course-interest form, form
/// `ai-for-everyone`, the profession kept with the lead.
#[utoipa::path(tag = "crm", request_body = AiForEveryoneRequest,
    responses((status = 202, body = FormAnswer), (status = 404, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
#[post("")]
pub async fn ai_for_everyone(
    req: HttpRequest,
    tenant: Tenant,
    crm: web::Data<Crm>,
    body: ValidJson<AiForEveryoneRequest>,
) -> AppResult<HttpResponse> {
    limit(&req, &crm).await?;
    let b = body.into_inner();
    let person = b.person();
    if marketing::is_bot(&person) {
        tracing::info!(
            form = "ai-for-everyone",
            "marketing form: honeypot filled, discarded"
        );
        return Ok(accepted());
    }
    let profession = marketing::opt_text("profession", b.profession.as_deref())?;
    let lead = marketing::inbound(
        "ai-for-everyone",
        person,
        None,
        serde_json::json!({ "profession": profession }),
    )?;
    let done = marketing::submit(&crm.ctx().db, &tenant, lead).await?;
    crm.jobs().notify_committed();
    tracing::info!(lead_id = %done.id, duplicate = done.duplicate, "ai-for-everyone form");
    Ok(accepted())
}

/// Events (or leagues, `?kind=league`) open for registration now, soonest first (public).
#[utoipa::path(tag = "crm", params(EventFilter),
    responses((status = 200, body = Vec<EventConfigDto>), (status = 422, body = Problem), (status = 404, body = Problem)))]
#[get("")]
pub async fn open_events(
    tenant: Tenant,
    crm: web::Data<Crm>,
    filter: web::Query<EventFilter>,
) -> AppResult<web::Json<Vec<EventConfigDto>>> {
    Ok(web::Json(
        marketing::list_events(&crm.ctx().db, tenant.id, filter.kind, false).await?,
    ))
}

/// Registers for the event `slug` (no account): 201 with the registration; the person
/// becomes (or is deduplicated into) a lead with form `event-<slug>`. 404 unknown or
/// inactive event; 409 `registration_closed`, `event_full`; a repeat (the same phone or
/// email) and a filled honeypot are answered 201 like a first registration and store nothing. 429 over `LEAD_CAPTURE_RATE_LIMIT` per IP.
#[utoipa::path(tag = "crm", params(("slug" = String, Path, description = "the event's slug")), request_body = EventRegistrationRequest,
    responses((status = 201, body = RegistrationAnswer), (status = 404, body = Problem), (status = 409, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
#[post("/{slug}/registrations")]
pub async fn register_event(
    req: HttpRequest,
    tenant: Tenant,
    crm: web::Data<Crm>,
    slug: web::Path<String>,
    body: ValidJson<EventRegistrationRequest>,
) -> AppResult<HttpResponse> {
    limit(&req, &crm).await?;
    let person = body.0.person();
    if marketing::is_bot(&person) {
        tracing::info!(form = "event", "marketing form: honeypot filled, discarded");
        return Ok(HttpResponse::Created().json(marketing::decoy()));
    }
    let answer = marketing::register(
        &crm.ctx().db,
        &tenant,
        EventKind::Event,
        &slug,
        person,
        Extra::default(),
    )
    .await?;
    crm.jobs().notify_committed();
    Ok(HttpResponse::Created().json(answer))
}

/// Registers for a league (no account), with a team and an institution: like an event
/// registration, form `league-<slug>`.
#[utoipa::path(tag = "crm", request_body = LeagueRegistrationRequest,
    responses((status = 201, body = RegistrationAnswer), (status = 404, body = Problem), (status = 409, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
#[post("")]
pub async fn register_league(
    req: HttpRequest,
    tenant: Tenant,
    crm: web::Data<Crm>,
    body: ValidJson<LeagueRegistrationRequest>,
) -> AppResult<HttpResponse> {
    limit(&req, &crm).await?;
    let b = body.into_inner();
    let person = b.person();
    if marketing::is_bot(&person) {
        tracing::info!(
            form = "league",
            "marketing form: honeypot filled, discarded"
        );
        return Ok(HttpResponse::Created().json(marketing::decoy()));
    }
    let answer = marketing::register(
        &crm.ctx().db,
        &tenant,
        EventKind::League,
        &b.league,
        person,
        Extra {
            team_name: b.team_name,
            institution: b.institution,
        },
    )
    .await?;
    crm.jobs().notify_committed();
    Ok(HttpResponse::Created().json(answer))
}

/// Creates an event or league (ADMIN, audited); 409 `event_slug_taken`.
#[utoipa::path(tag = "crm", security(("bearer" = [])), request_body = EventConfigRequest,
    responses((status = 201, body = EventConfigDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("")]
pub async fn create_event(
    admin: Require<Admin>,
    crm: web::Data<Crm>,
    body: ValidJson<EventConfigRequest>,
) -> AppResult<HttpResponse> {
    let event = marketing::create_event(&crm.ctx().db, &admin, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(event))
}

/// Every event and league of the platform (ADMIN).
#[utoipa::path(tag = "crm", security(("bearer" = [])), params(EventFilter),
    responses((status = 200, body = Vec<EventConfigDto>), (status = 422, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[get("")]
pub async fn list_events(
    admin: Require<Admin>,
    crm: web::Data<Crm>,
    filter: web::Query<EventFilter>,
) -> AppResult<web::Json<Vec<EventConfigDto>>> {
    Ok(web::Json(
        marketing::list_events(&crm.ctx().db, admin.tenant.id, filter.kind, true).await?,
    ))
}

/// Replaces an event's settings (ADMIN, audited); the capacity cannot go below the places
/// taken.
#[utoipa::path(tag = "crm", security(("bearer" = [])), params(("id" = Uuid, Path, description = "event id")), request_body = EventConfigRequest,
    responses((status = 200, body = EventConfigDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[put("/{id}")]
pub async fn update_event(
    admin: Require<Admin>,
    crm: web::Data<Crm>,
    id: web::Path<Uuid>,
    body: ValidJson<EventConfigRequest>,
) -> AppResult<web::Json<EventConfigDto>> {
    Ok(web::Json(
        marketing::update_event(&crm.ctx().db, &admin, id.into_inner(), body.into_inner()).await?,
    ))
}

/// An event's registrations, newest first (ADMIN).
#[utoipa::path(tag = "crm", security(("bearer" = [])), params(("id" = Uuid, Path, description = "event id"), PageParams),
    responses((status = 200, body = Page<RegistrationDto>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/{id}/registrations")]
pub async fn registrations(
    admin: Require<Admin>,
    crm: web::Data<Crm>,
    id: web::Path<Uuid>,
    page: web::Query<PageParams>,
) -> AppResult<web::Json<Page<RegistrationDto>>> {
    Ok(web::Json(
        marketing::registrations(&crm.ctx().db, &admin, id.into_inner(), &page).await?,
    ))
}

async fn live(
    user: MaybeUser,
    tenant: Tenant,
    crm: web::Data<Crm>,
    storage: web::Data<Storage>,
    kind: BannerKind,
    query: DeviceQuery,
) -> AppResult<web::Json<LiveBanners>> {
    let items = banners::live(
        &crm.ctx().db,
        &storage,
        &tenant,
        user.0.as_ref(),
        kind,
        query.device.unwrap_or(Device::Web),
    )
    .await?;
    Ok(web::Json(LiveBanners { items }))
}

/// The sticky banners showing now for the caller's device (`?device=`, default `web`) and
/// audience (anonymous or signed in, and the role), highest priority first.
#[utoipa::path(tag = "crm", params(DeviceQuery),
    responses((status = 200, body = LiveBanners), (status = 422, body = Problem), (status = 401, body = Problem), (status = 404, body = Problem)))]
#[get("")]
pub async fn sticky_banners(
    user: MaybeUser,
    tenant: Tenant,
    crm: web::Data<Crm>,
    storage: web::Data<Storage>,
    query: web::Query<DeviceQuery>,
) -> AppResult<web::Json<LiveBanners>> {
    live(
        user,
        tenant,
        crm,
        storage,
        BannerKind::Sticky,
        query.into_inner(),
    )
    .await
}

/// The popup banners showing now, like the sticky ones.
#[utoipa::path(tag = "crm", params(DeviceQuery),
    responses((status = 200, body = LiveBanners), (status = 422, body = Problem), (status = 401, body = Problem), (status = 404, body = Problem)))]
#[get("")]
pub async fn popup_banners(
    user: MaybeUser,
    tenant: Tenant,
    crm: web::Data<Crm>,
    storage: web::Data<Storage>,
    query: web::Query<DeviceQuery>,
) -> AppResult<web::Json<LiveBanners>> {
    live(
        user,
        tenant,
        crm,
        storage,
        BannerKind::Popup,
        query.into_inner(),
    )
    .await
}

/// Creates a banner (ADMIN, audited); the image is an uploaded image of the platform.
#[utoipa::path(tag = "crm", security(("bearer" = [])), request_body = BannerRequest,
    responses((status = 201, body = BannerDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("")]
pub async fn create_banner(
    admin: Require<Admin>,
    crm: web::Data<Crm>,
    storage: web::Data<Storage>,
    body: ValidJson<BannerRequest>,
) -> AppResult<HttpResponse> {
    let banner = banners::create(&crm.ctx().db, &storage, &admin, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(banner))
}

/// Every banner of the platform (ADMIN), `?kind=` to narrow.
#[utoipa::path(tag = "crm", security(("bearer" = [])), params(BannerFilter),
    responses((status = 200, body = Vec<BannerDto>), (status = 422, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[get("")]
pub async fn list_banners(
    admin: Require<Admin>,
    crm: web::Data<Crm>,
    filter: web::Query<BannerFilter>,
) -> AppResult<web::Json<Vec<BannerDto>>> {
    Ok(web::Json(
        banners::list(&crm.ctx().db, admin.tenant.id, filter.kind).await?,
    ))
}

/// Replaces a banner (ADMIN, audited).
#[utoipa::path(tag = "crm", security(("bearer" = [])), params(("id" = Uuid, Path, description = "banner id")), request_body = BannerRequest,
    responses((status = 200, body = BannerDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[put("/{id}")]
pub async fn update_banner(
    admin: Require<Admin>,
    crm: web::Data<Crm>,
    storage: web::Data<Storage>,
    id: web::Path<Uuid>,
    body: ValidJson<BannerRequest>,
) -> AppResult<web::Json<BannerDto>> {
    Ok(web::Json(
        banners::update(
            &crm.ctx().db,
            &storage,
            &admin,
            id.into_inner(),
            body.into_inner(),
        )
        .await?,
    ))
}

/// Deletes a banner (ADMIN, audited).
#[utoipa::path(tag = "crm", security(("bearer" = [])), params(("id" = Uuid, Path, description = "banner id")),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[delete("/{id}")]
pub async fn delete_banner(
    admin: Require<Admin>,
    crm: web::Data<Crm>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    banners::delete(&crm.ctx().db, &admin, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

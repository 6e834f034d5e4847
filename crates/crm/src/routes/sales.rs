//! `/api/sales/leads`: the sales desk. SALES sees the leads they own, a SALES_HEAD their
//! team's, CM and ADMIN the platform's; any other lead is 404.

use actix_web::{get, post, put, web};
use kernel::{
    auth::Require,
    error::{AppResult, Problem},
    extract::ValidJson,
    pagination::{Page, PageParams},
};
use uuid::Uuid;

use crate::{
    Crm,
    dto::leads::{
        AssignLead, ContactPreferences, LeadDetail, LeadDto, LeadFilter, MergeAnswer, MergeRequest,
        NewNote, NewTask, PlaceLeadCall, StageChange,
    },
    service::{access::SalesDesk, leads, merge},
};

/// The leads the caller sees, newest first (cursor pagination).
#[utoipa::path(tag = "crm", security(("bearer" = [])), params(PageParams, LeadFilter),
    responses((status = 200, body = Page<LeadDto>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("")]
pub async fn list(
    user: Require<SalesDesk>,
    crm: web::Data<Crm>,
    page: web::Query<PageParams>,
    filter: web::Query<LeadFilter>,
) -> AppResult<web::Json<Page<LeadDto>>> {
    Ok(web::Json(
        leads::list(&crm.ctx().db, &user, filter.stage, &page).await?,
    ))
}

/// A lead with its stage history (time in each stage), timeline and tasks.
#[utoipa::path(tag = "crm", security(("bearer" = [])), params(("id" = Uuid, Path, description = "lead id")),
    responses((status = 200, body = LeadDetail), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[get("/{id}")]
pub async fn detail(
    user: Require<SalesDesk>,
    crm: web::Data<Crm>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<LeadDetail>> {
    Ok(web::Json(
        leads::detail(&crm.ctx().db, &user, id.into_inner()).await?,
    ))
}

/// Moves the lead to a stage (`lead.stage_changed`); 200 with the lead's history.
#[utoipa::path(tag = "crm", security(("bearer" = [])), params(("id" = Uuid, Path, description = "lead id")), request_body = StageChange,
    responses((status = 200, body = LeadDetail), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/{id}/stage")]
pub async fn change_stage(
    user: Require<SalesDesk>,
    crm: web::Data<Crm>,
    id: web::Path<Uuid>,
    body: ValidJson<StageChange>,
) -> AppResult<web::Json<LeadDetail>> {
    let out = leads::change_stage(&crm.ctx().db, &user, id.into_inner(), body.into_inner()).await?;
    crm.jobs().notify_committed();
    Ok(web::Json(out))
}

/// Adds a note to the lead's timeline.
#[utoipa::path(tag = "crm", security(("bearer" = [])), params(("id" = Uuid, Path, description = "lead id")), request_body = NewNote,
    responses((status = 200, body = LeadDetail), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/{id}/notes")]
pub async fn add_note(
    user: Require<SalesDesk>,
    crm: web::Data<Crm>,
    id: web::Path<Uuid>,
    body: ValidJson<NewNote>,
) -> AppResult<web::Json<LeadDetail>> {
    Ok(web::Json(
        leads::add_note(&crm.ctx().db, &user, id.into_inner(), &body.0.body).await?,
    ))
}

/// Sets a follow-up task with a due time (for the lead's owner).
#[utoipa::path(tag = "crm", security(("bearer" = [])), params(("id" = Uuid, Path, description = "lead id")), request_body = NewTask,
    responses((status = 200, body = LeadDetail), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/{id}/tasks")]
pub async fn add_task(
    user: Require<SalesDesk>,
    crm: web::Data<Crm>,
    id: web::Path<Uuid>,
    body: ValidJson<NewTask>,
) -> AppResult<web::Json<LeadDetail>> {
    Ok(web::Json(
        leads::add_task(&crm.ctx().db, &user, id.into_inner(), body.into_inner()).await?,
    ))
}

/// Gives the lead to another agent (SALES_HEAD within their team, CM, ADMIN); audited and on
/// the timeline. Plain SALES users get 403.
#[utoipa::path(tag = "crm", security(("bearer" = [])), params(("id" = Uuid, Path, description = "lead id")), request_body = AssignLead,
    responses((status = 200, body = LeadDetail), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/{id}/assign")]
pub async fn assign(
    user: Require<SalesDesk>,
    crm: web::Data<Crm>,
    id: web::Path<Uuid>,
    body: ValidJson<AssignLead>,
) -> AppResult<web::Json<LeadDetail>> {
    let out = leads::reassign(&crm.ctx().db, &user, id.into_inner(), body.0.owner_id).await?;
    crm.jobs().notify_committed();
    Ok(web::Json(out))
}

/// Sets the lead's contact preferences: do-not-disturb and WhatsApp consent, checked before
/// every workflow send (on the timeline with who changed them).
#[utoipa::path(tag = "crm", security(("bearer" = [])), params(("id" = Uuid, Path, description = "lead id")), request_body = ContactPreferences,
    responses((status = 200, body = LeadDetail), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[put("/{id}/preferences")]
pub async fn set_preferences(
    user: Require<SalesDesk>,
    crm: web::Data<Crm>,
    id: web::Path<Uuid>,
    body: ValidJson<ContactPreferences>,
) -> AppResult<web::Json<LeadDetail>> {
    Ok(web::Json(
        leads::set_preferences(&crm.ctx().db, &user, id.into_inner(), body.into_inner()).await?,
    ))
}

/// Merges this lead into `into`: its timeline and open tasks move onto `into`, it is closed as
/// a duplicate (a re-inquiry with its phone or email lands on `into`), its owner's place is
/// freed. Sales heads (within their team), CM and ADMIN; audited; undone by `unmerge`.
#[utoipa::path(tag = "crm", security(("bearer" = [])), params(("id" = Uuid, Path, description = "the duplicate lead")), request_body = MergeRequest,
    responses((status = 200, body = MergeAnswer), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/{id}/merge")]
pub async fn merge_into(
    user: Require<SalesDesk>,
    crm: web::Data<Crm>,
    id: web::Path<Uuid>,
    body: ValidJson<MergeRequest>,
) -> AppResult<web::Json<MergeAnswer>> {
    Ok(web::Json(
        merge::merge(
            &crm.ctx().db,
            &user,
            id.into_inner(),
            body.into_inner().into,
        )
        .await?,
    ))
}

/// Undoes this lead's merge: exactly the rows the merge moved go back, the lead reopens.
/// Audited.
#[utoipa::path(tag = "crm", security(("bearer" = [])), params(("id" = Uuid, Path, description = "the merged lead")),
    responses((status = 200, body = LeadDetail), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/{id}/unmerge")]
pub async fn unmerge(
    user: Require<SalesDesk>,
    crm: web::Data<Crm>,
    id: web::Path<Uuid>,
) -> AppResult<web::Json<LeadDetail>> {
    Ok(web::Json(
        merge::unmerge(&crm.ctx().db, &user, id.into_inner()).await?,
    ))
}

/// Click-to-call from the lead through Exotel: rings the agent (`from`, or their profile
/// phone), then connects the lead; the call and later its recording are on the lead. 409
/// `lead_do_not_disturb` for a DND lead; 503 without Exotel; 502 when Exotel refuses.
#[utoipa::path(tag = "crm", security(("bearer" = [])), params(("id" = Uuid, Path, description = "lead id")), request_body = PlaceLeadCall,
    responses((status = 201, body = LeadDetail), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem), (status = 502, body = Problem), (status = 503, body = Problem)))]
#[post("/{id}/call")]
pub async fn call(
    user: Require<SalesDesk>,
    crm: web::Data<Crm>,
    comms: web::Data<comms::Comms>,
    id: web::Path<Uuid>,
    body: ValidJson<PlaceLeadCall>,
) -> AppResult<actix_web::HttpResponse> {
    let exotel = comms
        .exotel
        .as_ref()
        .ok_or_else(|| comms::provider::ProviderError::NotConfigured("Exotel").into_app_error())?;
    let out = leads::place_call(
        &crm.ctx().db,
        exotel,
        &user,
        id.into_inner(),
        body.into_inner().from,
    )
    .await?;
    Ok(actix_web::HttpResponse::Created().json(out))
}

/// The sales dashboard as `kpiQueue` last computed it (every 15 minutes; never computed on
/// this request): leads, stages, conversion, per-agent counts and targets with attainment.
/// A SALES user sees only their own agent row and targets, a sales head their team's.
#[utoipa::path(tag = "crm", security(("bearer" = [])),
    responses((status = 200, body = crate::dto::kpis::DashboardDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[get("")]
pub async fn dashboard(
    user: Require<SalesDesk>,
    crm: web::Data<Crm>,
) -> AppResult<web::Json<crate::dto::kpis::DashboardDto>> {
    Ok(web::Json(
        crate::service::kpis::dashboard(&crm.ctx().db, &user).await?,
    ))
}

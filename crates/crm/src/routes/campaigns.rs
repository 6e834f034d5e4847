//! Campaigns (`/api/admin/campaigns`, ADMIN) and the CM console (`/api/cm/leads`, the
//! community-manager capability or an admin) (ADR 0078).

use actix_web::{HttpResponse, get, post, web};
use kernel::{
    auth::{Admin, CommunityManager, Require},
    error::{AppResult, Problem},
    extract::ValidJson,
    pagination::{Page, PageParams},
};
use uuid::Uuid;

use crate::{
    Crm,
    dto::{
        leads::LeadDto,
        marketing::{AttributeLead, CampaignDto, CampaignRequest, CmLeadFilter},
    },
    service::campaigns,
};

/// Creates a campaign (audited); the platform's leads already carrying its UTM campaign and
/// every later one are attributed to it. 409 `campaign_name_taken`, `campaign_utm_taken`.
#[utoipa::path(tag = "crm", security(("bearer" = [])), request_body = CampaignRequest,
    responses((status = 201, body = CampaignDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("")]
pub async fn create(
    admin: Require<Admin>,
    crm: web::Data<Crm>,
    body: ValidJson<CampaignRequest>,
) -> AppResult<HttpResponse> {
    let campaign = campaigns::create(&crm.ctx().db, &admin, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(campaign))
}

/// The platform's campaigns with leads, won, lost, conversion and cost per lead.
#[utoipa::path(tag = "crm", security(("bearer" = [])),
    responses((status = 200, body = Vec<CampaignDto>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[get("")]
pub async fn list(
    admin: Require<Admin>,
    crm: web::Data<Crm>,
) -> AppResult<web::Json<Vec<CampaignDto>>> {
    Ok(web::Json(
        campaigns::list(&crm.ctx().db, admin.tenant.id).await?,
    ))
}

/// The campaign's leads, newest first (cursor pagination).
#[utoipa::path(tag = "crm", security(("bearer" = [])), params(("id" = Uuid, Path, description = "campaign id"), PageParams),
    responses((status = 200, body = Page<LeadDto>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/{id}/leads")]
pub async fn leads(
    admin: Require<Admin>,
    crm: web::Data<Crm>,
    id: web::Path<Uuid>,
    page: web::Query<PageParams>,
) -> AppResult<web::Json<Page<LeadDto>>> {
    Ok(web::Json(
        campaigns::campaign_leads(&crm.ctx().db, &admin, id.into_inner(), &page).await?,
    ))
}

/// Attributes a lead to the campaign explicitly (audited); 200 the campaign's figures.
#[utoipa::path(tag = "crm", security(("bearer" = [])), params(("id" = Uuid, Path, description = "campaign id")), request_body = AttributeLead,
    responses((status = 200, body = CampaignDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/{id}/leads")]
pub async fn attribute(
    admin: Require<Admin>,
    crm: web::Data<Crm>,
    id: web::Path<Uuid>,
    body: ValidJson<AttributeLead>,
) -> AppResult<web::Json<CampaignDto>> {
    Ok(web::Json(
        campaigns::attribute(&crm.ctx().db, &admin, id.into_inner(), body.0.lead_id).await?,
    ))
}

/// The CM console: the leads in the caller's view (ADR 0050), filtered by stage, owner (or
/// none), campaign, form, source and arrival time, newest first (cursor pagination).
#[utoipa::path(tag = "crm", security(("bearer" = [])), params(PageParams, CmLeadFilter),
    responses((status = 200, body = Page<LeadDto>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("")]
pub async fn cm_leads(
    user: Require<CommunityManager>,
    crm: web::Data<Crm>,
    page: web::Query<PageParams>,
    filter: web::Query<CmLeadFilter>,
) -> AppResult<web::Json<Page<LeadDto>>> {
    Ok(web::Json(
        campaigns::leads_seen(&crm.ctx().db, &user, &filter, &page).await?,
    ))
}

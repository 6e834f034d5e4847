//! `/api/admin/crm`: sales teams, agents' assignment settings, the vendors' lead quality
//! (ADMIN).

use actix_web::{HttpResponse, delete, get, post, put, web};
use kernel::{
    auth::{Admin, Require},
    error::{AppResult, Problem},
    extract::ValidJson,
};
use uuid::Uuid;

use crate::{
    Crm,
    dto::teams::{
        AddMember, AgentDto, AgentSettings, NewRule, NewTeam, RuleDto, TeamDto, TemplateApproval,
        TemplateApprovalDto, VendorQualityDto,
    },
    service::{kpis, rules, teams},
};

/// Creates a sales team led by a user with the `sales_head` capability.
#[utoipa::path(tag = "crm", security(("bearer" = [])), request_body = NewTeam,
    responses((status = 201, body = TeamDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/teams")]
pub async fn create_team(
    admin: Require<Admin>,
    crm: web::Data<Crm>,
    body: ValidJson<NewTeam>,
) -> AppResult<HttpResponse> {
    let team = teams::create_team(&crm.ctx().db, &admin, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(team))
}

/// Adds a SALES user to the team (idempotent; an agent is in one team at most).
#[utoipa::path(tag = "crm", security(("bearer" = [])), params(("id" = Uuid, Path, description = "team id")), request_body = AddMember,
    responses((status = 200, body = TeamDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/teams/{id}/members")]
pub async fn add_member(
    admin: Require<Admin>,
    crm: web::Data<Crm>,
    id: web::Path<Uuid>,
    body: ValidJson<AddMember>,
) -> AppResult<web::Json<TeamDto>> {
    Ok(web::Json(
        teams::add_member(&crm.ctx().db, &admin, id.into_inner(), body.0.user_id).await?,
    ))
}

/// The platform's agents with their settings and counters.
#[utoipa::path(tag = "crm", security(("bearer" = [])),
    responses((status = 200, body = Vec<AgentDto>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[get("/agents")]
pub async fn list_agents(
    admin: Require<Admin>,
    crm: web::Data<Crm>,
) -> AppResult<web::Json<Vec<AgentDto>>> {
    Ok(web::Json(
        teams::list_agents(&crm.ctx().db, admin.tenant.id).await?,
    ))
}

/// Sets a SALES user's assignment settings (active, capacity, weight); audited.
#[utoipa::path(tag = "crm", security(("bearer" = [])), params(("user_id" = Uuid, Path, description = "the agent's user id")), request_body = AgentSettings,
    responses((status = 200, body = AgentDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[put("/agents/{user_id}")]
pub async fn put_agent(
    admin: Require<Admin>,
    crm: web::Data<Crm>,
    user_id: web::Path<Uuid>,
    body: ValidJson<AgentSettings>,
) -> AppResult<web::Json<AgentDto>> {
    Ok(web::Json(
        teams::put_agent(
            &crm.ctx().db,
            &admin,
            user_id.into_inner(),
            body.into_inner(),
        )
        .await?,
    ))
}

/// Each vendor's lead-quality ledger: new leads and re-inquiries (duplicates) it sent.
#[utoipa::path(tag = "crm", security(("bearer" = [])),
    responses((status = 200, body = Vec<VendorQualityDto>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[get("/vendor-quality")]
pub async fn vendor_quality(
    admin: Require<Admin>,
    crm: web::Data<Crm>,
) -> AppResult<web::Json<Vec<VendorQualityDto>>> {
    Ok(web::Json(
        teams::vendor_quality(&crm.ctx().db, admin.tenant.id).await?,
    ))
}

/// Records whether a WhatsApp template is approved on the platform; workflows send only
/// approved templates (while `CRM_WHATSAPP_REQUIRE_APPROVED_TEMPLATE` holds). Audited.
#[utoipa::path(tag = "crm", security(("bearer" = [])), request_body = TemplateApproval,
    responses((status = 200, body = TemplateApprovalDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[put("/whatsapp-templates")]
pub async fn put_template(
    admin: Require<Admin>,
    crm: web::Data<Crm>,
    body: ValidJson<TemplateApproval>,
) -> AppResult<web::Json<TemplateApprovalDto>> {
    Ok(web::Json(
        teams::put_template(&crm.ctx().db, &admin, body.into_inner()).await?,
    ))
}

/// The platform's WhatsApp template approvals.
#[utoipa::path(tag = "crm", security(("bearer" = [])),
    responses((status = 200, body = Vec<TemplateApprovalDto>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[get("/whatsapp-templates")]
pub async fn list_templates(
    admin: Require<Admin>,
    crm: web::Data<Crm>,
) -> AppResult<web::Json<Vec<TemplateApprovalDto>>> {
    Ok(web::Json(
        teams::list_templates(&crm.ctx().db, admin.tenant.id).await?,
    ))
}

/// Adds a rule-based assignment rule (course / source / language / region to a team or an
/// agent, tried by priority before the round-robin). Audited.
#[utoipa::path(tag = "crm", security(("bearer" = [])), request_body = NewRule,
    responses((status = 201, body = RuleDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/assignment-rules")]
pub async fn create_rule(
    admin: Require<Admin>,
    crm: web::Data<Crm>,
    body: ValidJson<NewRule>,
) -> AppResult<HttpResponse> {
    let rule = rules::create(&crm.ctx().db, &admin, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(rule))
}

/// The platform's assignment rules, in the order they are tried.
#[utoipa::path(tag = "crm", security(("bearer" = [])),
    responses((status = 200, body = Vec<RuleDto>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[get("/assignment-rules")]
pub async fn list_rules(
    admin: Require<Admin>,
    crm: web::Data<Crm>,
) -> AppResult<web::Json<Vec<RuleDto>>> {
    Ok(web::Json(
        rules::list(&crm.ctx().db, admin.tenant.id).await?,
    ))
}

/// Deletes an assignment rule. Audited.
#[utoipa::path(tag = "crm", security(("bearer" = [])), params(("id" = Uuid, Path, description = "rule id")),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[delete("/assignment-rules/{id}")]
pub async fn delete_rule(
    admin: Require<Admin>,
    crm: web::Data<Crm>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    rules::delete(&crm.ctx().db, &admin, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Sets a sales target: won leads for an agent or a team over a period. Audited.
#[utoipa::path(tag = "crm", security(("bearer" = [])), request_body = crate::dto::kpis::NewTarget,
    responses((status = 201, body = crate::dto::kpis::TargetDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/targets")]
pub async fn create_target(
    admin: Require<Admin>,
    crm: web::Data<Crm>,
    body: ValidJson<crate::dto::kpis::NewTarget>,
) -> AppResult<HttpResponse> {
    let t = kpis::create_target(&crm.ctx().db, &admin, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(t))
}

/// The platform's targets with their attainment (won leads in the period).
#[utoipa::path(tag = "crm", security(("bearer" = [])),
    responses((status = 200, body = Vec<crate::dto::kpis::TargetDto>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[get("/targets")]
pub async fn list_targets(
    admin: Require<Admin>,
    crm: web::Data<Crm>,
) -> AppResult<web::Json<Vec<crate::dto::kpis::TargetDto>>> {
    Ok(web::Json(
        kpis::targets(&crm.ctx().db, admin.tenant.id, None).await?,
    ))
}

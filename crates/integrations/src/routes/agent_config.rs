//! `GET/PUT /api/admin/agent-config/{agent}` (ADMIN of the platform).

use actix_web::{get, put, web};
use kernel::{
    auth::{Admin, Require},
    error::{AppResult, Problem},
    extract::ValidJson,
};

use crate::{
    Integrations, IntegrationsError,
    dto::agent_config::{AgentConfigBody, AgentConfigDto},
    entities::kinds::Agent,
    service::agent_config,
};

fn agent(name: &str) -> Result<Agent, IntegrationsError> {
    Agent::parse(name).ok_or(IntegrationsError::NotFound("agent"))
}

/// An agent's providers on the caller's platform, in the order they are tried.
#[utoipa::path(tag = "ai", security(("bearer" = [])),
    params(("agent" = crate::dto::ai::ConfigurableAgent, Path, description = "the agent")),
    responses(
        (status = 200, body = AgentConfigDto),
        (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "no such agent", body = Problem, content_type = "application/problem+json")))]
#[get("/{agent}")]
pub async fn get(
    admin: Require<Admin>,
    state: web::Data<Integrations>,
    name: web::Path<String>,
) -> AppResult<web::Json<AgentConfigDto>> {
    let agent = agent(&name)?;
    let config = agent_config::get(&state.ctx.db, &admin.tenant, agent).await?;
    Ok(web::Json(config.into()))
}

/// Replaces an agent's providers (1-5 entries, tried in order); audited with the lists
/// before and after.
#[utoipa::path(tag = "ai", security(("bearer" = [])),
    params(("agent" = crate::dto::ai::ConfigurableAgent, Path, description = "the agent")),
    request_body = AgentConfigBody,
    responses(
        (status = 200, body = AgentConfigDto),
        (status = 400, description = "the body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "no such agent", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "a field is missing, of an unknown value (a provider) or out of its limits (the field is named)", body = Problem, content_type = "application/problem+json")))]
#[put("/{agent}")]
pub async fn put(
    admin: Require<Admin>,
    state: web::Data<Integrations>,
    name: web::Path<String>,
    body: ValidJson<AgentConfigBody>,
) -> AppResult<web::Json<AgentConfigDto>> {
    let agent = agent(&name)?;
    let config = agent_config::put(&state.ctx.db, &admin, agent, body.0.providers).await?;
    Ok(web::Json(config.into()))
}

//! `POST /api/ai/complete`: runs an agent through the gateway (ADMIN for now: the agents
//! serve staff screens, and the products call the service function directly).

use actix_web::{post, web};
use kernel::{
    auth::{Admin, Require},
    error::{AppResult, Problem},
    extract::ValidJson,
};

use crate::{
    Integrations, IntegrationsError,
    dto::ai::{CompleteRequest, CompleteResponse},
    entities::kinds::Agent,
    service::complete as completion,
};

/// Runs an agent: its providers in order, falling back on timeouts, 429 and 5xx; with a
/// `schema`, the answer is validated and returned parsed in `output`.
#[utoipa::path(tag = "ai", security(("bearer" = [])),
    request_body = CompleteRequest,
    responses(
        (status = 200, body = CompleteResponse),
        (status = 400, description = "the body is not JSON of this shape", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`agent` or `input` is invalid (the field is named)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`ai_budget_exhausted`: the platform's monthly budget is spent (`Retry-After`)", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "`ai_provider_error` (a provider refused, or every provider failed) or `ai_invalid_output`", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`provider_not_configured`: no provider of the agent has a credential", body = Problem, content_type = "application/problem+json")))]
#[post("/complete")]
pub async fn complete(
    admin: Require<Admin>,
    state: web::Data<Integrations>,
    body: ValidJson<CompleteRequest>,
) -> AppResult<web::Json<CompleteResponse>> {
    let body = body.0;
    let agent = Agent::parse(&body.agent)
        .ok_or_else(|| IntegrationsError::Invalid("agent".into(), "is not a known agent".into()))?;
    let done = completion::run(
        &state,
        &admin.tenant,
        agent,
        &body.input,
        body.schema.as_ref(),
    )
    .await?;
    Ok(web::Json(done.into()))
}

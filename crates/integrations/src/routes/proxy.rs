//! `POST /api/credential-proxy/{provider}` (ADMIN or SUPERADMIN; internal services call it
//! with a service account): forwards one allow-listed request to an LLM provider with the
//! platform's sealed key added server-side. The key never reaches the caller.

use actix_web::{post, web};
use kernel::{
    auth::{Admin, Require},
    error::{AppResult, Problem},
    extract::ValidJson,
};

use crate::{
    Integrations, IntegrationsError,
    dto::proxy::{ProxyRequest, ProxyResponse},
    entities::kinds::ProviderName,
    service::proxy,
};

/// Sends `{method, path, query?, body?}` to the provider's configured base URL with its
/// stored key; answers the provider's status, filtered headers and body (key scrubbed).
/// Recorded in `ai_calls` (agent `proxy`), counted against the monthly AI budget, audited.
#[utoipa::path(tag = "ai", security(("bearer" = [])),
    params(("provider" = ProviderName, Path, description = "the provider")),
    request_body = ProxyRequest,
    responses(
        (status = 200, body = ProxyResponse, description = "the provider answered (its status is in `status`)"),
        (status = 400, description = "the body is not JSON of this shape", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "no such provider", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "`proxy_body_too_large`: the body is over 512 KiB (or the request over the API's 1 MiB JSON limit: `payload_too_large`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`proxy_path_forbidden` (path not allowed, or not a plain relative path), `proxy_method_forbidden`, or a bad `query`/`body` (named)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`ai_budget_exhausted` (`Retry-After`)", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "`ai_provider_error`: the provider did not answer", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`provider_not_configured`: no stored key for the provider", body = Problem, content_type = "application/problem+json")))]
#[post("/{provider}")]
pub async fn forward(
    admin: Require<Admin>,
    state: web::Data<Integrations>,
    provider: web::Path<String>,
    body: ValidJson<ProxyRequest>,
) -> AppResult<web::Json<ProxyResponse>> {
    let provider = ProviderName::parse(&provider).ok_or(IntegrationsError::NotFound("provider"))?;
    Ok(web::Json(
        proxy::call(&state, &admin, provider, &body.0).await?,
    ))
}

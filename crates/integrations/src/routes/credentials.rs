//! `/api/admin/credentials`: the platform's LLM provider keys (ADMIN of the platform: keys
//! are per platform, billed to it). Stored sealed, never returned, never logged.

use actix_web::{get, put, web};
use kernel::{
    auth::{Admin, Require},
    error::{AppResult, Problem},
    extract::ValidJson,
};

use crate::{
    Integrations, IntegrationsError,
    dto::credentials::{CredentialBody, CredentialStatus},
    entities::kinds::ProviderName,
    service::credentials,
};

/// The providers with a stored key (`{name, set: true, updated_at}`; never the key).
#[utoipa::path(tag = "ai", security(("bearer" = [])),
    responses(
        (status = 200, body = Vec<CredentialStatus>),
        (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "not an admin", body = Problem, content_type = "application/problem+json")))]
#[get("")]
pub async fn list(
    admin: Require<Admin>,
    state: web::Data<Integrations>,
) -> AppResult<web::Json<Vec<CredentialStatus>>> {
    let rows = credentials::list(&state.ctx.db, &admin.tenant).await?;
    Ok(web::Json(
        rows.into_iter()
            .map(|(name, updated_at)| CredentialStatus {
                name,
                set: true,
                updated_at,
            })
            .collect(),
    ))
}

/// Stores (or rotates) a provider key, sealed; the next call on every replica uses it.
/// Audited without the value.
#[utoipa::path(tag = "ai", security(("bearer" = [])),
    params(("name" = ProviderName, Path, description = "the provider")),
    request_body = CredentialBody,
    responses(
        (status = 200, body = CredentialStatus),
        (status = 400, description = "the body is not JSON of this shape", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "no such provider", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`value` is out of its limits", body = Problem, content_type = "application/problem+json")))]
#[put("/{name}")]
pub async fn put(
    admin: Require<Admin>,
    state: web::Data<Integrations>,
    name: web::Path<String>,
    body: ValidJson<CredentialBody>,
) -> AppResult<web::Json<CredentialStatus>> {
    let name = ProviderName::parse(&name).ok_or(IntegrationsError::NotFound("credential"))?;
    let updated_at =
        credentials::put(&state.ctx.db, &state.seal, &admin, name, &body.0.secret()).await?;
    Ok(web::Json(CredentialStatus {
        name,
        set: true,
        updated_at,
    }))
}

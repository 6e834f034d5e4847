//! Forgotten and changed passwords (`/api/auth/password/*`).

use actix_web::{HttpRequest, HttpResponse, post, web};
use kernel::{
    Tenant,
    auth::AuthUser,
    error::{AppResult, Problem},
    extract::ValidJson,
};

use crate::{
    Identity,
    dto::{AuthResponse, ChangePasswordRequest, EmailRequest, ResetPasswordRequest},
    routes::{client_meta, limit},
    service::{accounts, reset as resets},
};

/// Emails a single-use reset link (valid one hour) to an account of this platform. Answers
/// 202 whether or not the address has an account.
#[utoipa::path(
    tag = "auth",
    request_body = EmailRequest,
    responses(
        (status = 202, description = "a link is on its way if the address has an account"),
        (status = 429, description = "`too_many_requests` with `Retry-After`", body = Problem),
    )
)]
#[post("/api/auth/password/forgot")]
pub async fn forgot(
    req: HttpRequest,
    identity: web::Data<Identity>,
    tenant: Tenant,
    body: ValidJson<EmailRequest>,
) -> AppResult<HttpResponse> {
    let ctx = identity.ctx();
    let meta = client_meta(&req, ctx);
    let email = body.into_inner().email;
    let limits = &identity.config().auth.rate_limits;
    limit(
        &identity,
        &meta,
        "reset",
        limits.reset_ip,
        Some((&tenant.slug, &email, limits.reset_account)),
    )
    .await?;
    resets::forgot(&identity, &tenant, &email).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Sets a new password with the token of a reset link; every session of the account ends.
#[utoipa::path(
    tag = "auth",
    request_body = ResetPasswordRequest,
    responses(
        (status = 204, description = "password changed; sign in again"),
        (status = 400, description = "`invalid_reset_token`", body = Problem),
        (status = 422, description = "weak password", body = Problem),
        (status = 429, description = "`too_many_requests` with `Retry-After`", body = Problem),
    )
)]
#[post("/api/auth/password/reset")]
pub async fn reset(
    req: HttpRequest,
    identity: web::Data<Identity>,
    tenant: Tenant,
    body: ValidJson<ResetPasswordRequest>,
) -> AppResult<HttpResponse> {
    let ctx = identity.ctx();
    let meta = client_meta(&req, ctx);
    limit(
        &identity,
        &meta,
        "reset",
        identity.config().auth.rate_limits.reset_ip,
        None,
    )
    .await?;
    let body = body.into_inner();
    let result = resets::reset(&identity, &tenant, &body.token, body.password).await;
    identity.metrics().observe("password_reset", &result);
    result?;
    Ok(HttpResponse::NoContent().finish())
}

/// Changes the signed-in user's password. Every other session ends; a new one is returned.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 200, body = AuthResponse),
        (status = 401, description = "not signed in, or `invalid_credentials` (wrong current password)", body = Problem),
        (status = 422, description = "weak password", body = Problem),
    )
)]
#[post("/api/auth/password/change")]
pub async fn change(
    req: HttpRequest,
    user: AuthUser,
    identity: web::Data<Identity>,
    body: ValidJson<ChangePasswordRequest>,
) -> AppResult<web::Json<AuthResponse>> {
    let ctx = identity.ctx();
    let meta = client_meta(&req, ctx);
    let body = body.into_inner();
    let session = accounts::change_password(
        &identity,
        &user.tenant,
        user.id,
        body.current_password,
        body.new_password,
        &meta,
    )
    .await?;
    Ok(web::Json(session))
}

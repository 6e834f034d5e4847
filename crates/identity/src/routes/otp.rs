//! Sign-in by emailed code (`/api/auth/otp/*`).

use actix_web::{HttpRequest, HttpResponse, post, web};
use kernel::{
    Tenant,
    error::{AppResult, Problem},
    extract::ValidJson,
    ratelimit,
};

use crate::{
    Identity,
    dto::{AuthResponse, EmailRequest, OtpVerifyRequest},
    routes::{client_meta, limit},
    service::otp,
};

/// Emails a 6-digit code (valid 10 minutes) to an account of this platform. Answers 202
/// whether or not the address has an account; codes for one address are spaced by
/// `OTP_RESEND_SECS`.
#[utoipa::path(
    tag = "auth",
    request_body = EmailRequest,
    responses(
        (status = 202, description = "a code is on its way if the address has an account"),
        (status = 429, description = "`too_many_requests` with `Retry-After`", body = Problem),
    )
)]
#[post("/api/auth/otp/request")]
pub async fn request(
    req: HttpRequest,
    identity: web::Data<Identity>,
    tenant: Tenant,
    body: ValidJson<EmailRequest>,
) -> AppResult<HttpResponse> {
    let ctx = identity.ctx();
    let meta = client_meta(&req, ctx);
    let email = body.into_inner().email;
    let auth = &identity.config().auth;
    limit(
        &identity,
        &meta,
        "otp-request",
        auth.rate_limits.otp_request_ip,
        Some((&tenant.slug, &email, auth.rate_limits.otp_request_account)),
    )
    .await?;
    let who = ratelimit::account_key(&tenant.slug, &email);
    ratelimit::space(ctx, &format!("otp-resend:{who}"), auth.otp_resend_interval).await?;
    otp::request(&identity, &tenant, &email).await?;
    identity.metrics().count("otp_requested");
    Ok(HttpResponse::Accepted().finish())
}

/// Signs in with an emailed code: at most 5 tries per code.
#[utoipa::path(
    tag = "auth",
    request_body = OtpVerifyRequest,
    responses(
        (status = 200, body = AuthResponse),
        (status = 401, description = "`invalid_otp`", body = Problem),
        (status = 429, description = "`too_many_requests` with `Retry-After`", body = Problem),
    )
)]
#[post("/api/auth/otp/verify")]
pub async fn verify(
    req: HttpRequest,
    identity: web::Data<Identity>,
    tenant: Tenant,
    body: ValidJson<OtpVerifyRequest>,
) -> AppResult<web::Json<AuthResponse>> {
    let ctx = identity.ctx();
    let meta = client_meta(&req, ctx);
    let body = body.into_inner();
    let limits = &identity.config().auth.rate_limits;
    limit(
        &identity,
        &meta,
        "otp-verify",
        limits.otp_verify_ip,
        Some((&tenant.slug, &body.email, limits.otp_verify_account)),
    )
    .await?;
    let result = otp::verify(&identity, &tenant, &body.email, &body.code, &meta).await;
    identity.metrics().observe("otp_login", &result);
    Ok(web::Json(result?))
}

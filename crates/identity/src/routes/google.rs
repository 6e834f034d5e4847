//! Sign-in with Google: `GET /api/auth/google` (redirect to the consent page) and
//! `GET /auth/google/callback` (where Google sends the browser back).

use actix_web::{HttpRequest, HttpResponse, get, http::header, web};
use kernel::{
    Tenant,
    error::{AppResult, Problem},
    extract::ValidQuery,
};

use crate::{
    Identity,
    dto::{GoogleCallback, GoogleSession, GoogleStart},
    routes::client_meta,
    service::google,
};

/// Starts a Google sign-in on the request's platform: 302 to Google's consent page
/// (authorization code flow with PKCE and `state`). 503 `provider_not_configured` without
/// `GOOGLE_CLIENT_ID`/`GOOGLE_CLIENT_SECRET`.
#[utoipa::path(
    tag = "auth",
    params(GoogleStart),
    responses(
        (status = 302, description = "to Google's consent page"),
        (status = 503, description = "`provider_not_configured`", body = Problem),
    )
)]
#[get("/api/auth/google")]
pub async fn start(
    identity: web::Data<Identity>,
    tenant: Tenant,
    query: ValidQuery<GoogleStart>,
) -> AppResult<HttpResponse> {
    let url = google::start(&identity, &tenant, query.0.redirect_to).await?;
    Ok(HttpResponse::Found()
        .insert_header((header::LOCATION, url))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish())
}

/// Google's redirect back: exchanges the code (with the PKCE verifier), links the Google
/// account to the user with that verified email on the platform the flow started on, or
/// creates the user, and answers the token pair.
#[utoipa::path(
    tag = "auth",
    params(GoogleCallback),
    responses(
        (status = 200, body = GoogleSession),
        (status = 400, description = "`invalid_oauth_state` or `invalid_oauth_code`", body = Problem),
        (status = 403, description = "`email_not_verified`", body = Problem),
        (status = 502, description = "Google failed", body = Problem),
        (status = 503, description = "`provider_not_configured`", body = Problem),
    )
)]
#[get("/auth/google/callback")]
pub async fn callback(
    req: HttpRequest,
    identity: web::Data<Identity>,
    query: ValidQuery<GoogleCallback>,
) -> AppResult<HttpResponse> {
    let meta = client_meta(&req, identity.ctx());
    let result = google::callback(&identity, query.0, &meta).await;
    identity.metrics().observe("google_login", &result);
    let session = result?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(session))
}

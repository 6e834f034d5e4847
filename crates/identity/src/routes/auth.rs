//! Signup, login, refresh, logout and the caller's profile (`/api/auth/*`).

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use futures::future::BoxFuture;
use kernel::{
    AppError, Tenant,
    auth::{AuthUser, PasswordSignIn},
    error::{AppResult, Problem},
    extract::ValidJson,
};

use crate::{
    Identity,
    dto::{
        AuthResponse, LoginRequest, MeDto, RefreshRequest, SignupRequest, UpdateMeRequest, UserDto,
    },
    routes::{client_meta, limit},
    service::{
        accounts,
        sessions::{self, ClientMeta},
    },
};

/// Creates an account (role USER) on the request's platform and signs it in.
#[utoipa::path(
    tag = "auth",
    request_body = SignupRequest,
    responses(
        (status = 201, body = AuthResponse),
        (status = 409, description = "`email_taken`", body = Problem),
        (status = 422, description = "invalid email, weak password, missing name", body = Problem),
        (status = 429, description = "`too_many_requests` with `Retry-After`", body = Problem),
    )
)]
#[post("/api/auth/signup")]
pub async fn signup(
    req: HttpRequest,
    identity: web::Data<Identity>,
    tenant: Tenant,
    body: ValidJson<SignupRequest>,
) -> AppResult<HttpResponse> {
    let ctx = identity.ctx();
    let meta = client_meta(&req, ctx);
    limit(
        &identity,
        &meta,
        "signup",
        identity.config().auth.rate_limits.signup_ip,
        None,
    )
    .await?;
    let result = accounts::signup(&identity, &tenant, body.into_inner(), &meta).await;
    identity.metrics().observe("signup", &result);
    Ok(HttpResponse::Created().json(result?))
}

/// Signs in with email and password. Unknown email and wrong password get the same 401
/// `invalid_credentials` in comparable time.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, body = AuthResponse),
        (status = 401, description = "`invalid_credentials` or `account_suspended`", body = Problem),
        (status = 429, description = "`too_many_requests` with `Retry-After` (per IP and per account)", body = Problem),
    )
)]
#[post("/api/auth/login")]
pub async fn login(
    req: HttpRequest,
    identity: web::Data<Identity>,
    tenant: Tenant,
    body: ValidJson<LoginRequest>,
) -> AppResult<web::Json<AuthResponse>> {
    let meta = client_meta(&req, identity.ctx());
    let body = body.into_inner();
    limit_login(&identity, &meta, &tenant, &body.email).await?;
    let result = accounts::login(&identity, &tenant, &body.email, body.password, &meta).await;
    identity.metrics().observe("login", &result);
    Ok(web::Json(result?))
}

/// Counts a password sign-in attempt against the login limits (per IP and per account;
/// refused while Redis is down). Shared by [`login`] and the page sign-in, so the two cannot
/// be played against each other for more guesses.
async fn limit_login(
    identity: &Identity,
    meta: &ClientMeta,
    tenant: &Tenant,
    email: &str,
) -> Result<(), AppError> {
    let limits = &identity.config().auth.rate_limits;
    limit(
        identity,
        meta,
        "login",
        limits.login_ip,
        Some((&tenant.slug, email, limits.login_account)),
    )
    .await
}

/// The sign-in of server-rendered pages (the queue dashboard, `POST /admin/session`): the
/// same rate limits, verification and answers as [`login`], returning an access token only.
impl PasswordSignIn for Identity {
    fn sign_in<'a>(
        &'a self,
        tenant: &'a Tenant,
        email: &'a str,
        password: String,
        client_ip: &'a str,
    ) -> BoxFuture<'a, Result<String, AppError>> {
        Box::pin(async move {
            let meta = ClientMeta {
                ip: Some(client_ip.to_owned()),
                user_agent: None,
            };
            limit_login(self, &meta, tenant, email).await?;
            let result = accounts::page_login(self, tenant, email, password).await;
            self.metrics().observe("login", &result);
            Ok(result?)
        })
    }
}

/// Exchanges a refresh token for a new pair; the presented token is spent. Presenting a
/// spent token revokes its whole family (401 `refresh_token_reused`).
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, body = AuthResponse),
        (status = 401, description = "`invalid_refresh_token`, `refresh_token_reused` or `account_suspended`", body = Problem),
    )
)]
#[post("/api/auth/refresh")]
pub async fn refresh(
    req: HttpRequest,
    identity: web::Data<Identity>,
    tenant: Tenant,
    body: ValidJson<RefreshRequest>,
) -> AppResult<web::Json<AuthResponse>> {
    let meta = client_meta(&req, identity.ctx());
    let result = sessions::refresh(&identity, &tenant, &body.0.refresh_token, &meta).await;
    identity.metrics().observe("refresh", &result);
    Ok(web::Json(result?))
}

/// Ends the session of a refresh token (its whole family). Always 204.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses((status = 204, description = "signed out"))
)]
#[post("/api/auth/logout")]
pub async fn logout(
    identity: web::Data<Identity>,
    tenant: Tenant,
    body: ValidJson<RefreshRequest>,
) -> AppResult<HttpResponse> {
    sessions::logout(identity.ctx(), &tenant, &body.0.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The signed-in user, with their current role and capabilities.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses((status = 200, body = MeDto), (status = 401, body = Problem))
)]
#[get("/api/auth/me")]
pub async fn me(user: AuthUser, identity: web::Data<Identity>) -> AppResult<web::Json<MeDto>> {
    let row = accounts::me(&identity, &user.tenant, user.id).await?;
    Ok(web::Json(MeDto {
        id: user.id,
        email: row.email.clone(),
        full_name: row.full_name.clone(),
        role: user.role,
        capabilities: user.caps,
        platform: user.tenant.slug.clone(),
    }))
}

/// Changes the signed-in user's name or phone.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    request_body = UpdateMeRequest,
    responses((status = 200, body = UserDto), (status = 401, body = Problem), (status = 422, body = Problem))
)]
#[patch("/api/auth/me")]
pub async fn update_me(
    user: AuthUser,
    identity: web::Data<Identity>,
    body: ValidJson<UpdateMeRequest>,
) -> AppResult<web::Json<UserDto>> {
    let row = accounts::update_me(identity.ctx(), &user.tenant, user.id, body.into_inner()).await?;
    Ok(web::Json(UserDto::from(&row)))
}

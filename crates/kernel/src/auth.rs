//! Authentication claims and the extractors handlers use to demand identity.
//!
//! Middleware never authorizes: a handler asks for [`AuthUser`] (any signed-in user of this
//! platform) or [`Require<P>`] whose policy type names the permission (`Require<Admin>`,
//! `Require<Finance>`…). Identity issues the tokens; this module only verifies them.

use std::{future::Future, marker::PhantomData, pin::Pin, sync::Arc};

use actix_web::{
    FromRequest, HttpMessage, HttpRequest,
    body::MessageBody,
    dev::{Payload, ServiceRequest, ServiceResponse},
    http::header,
    middleware::Next,
    web,
};
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    context::AppContext,
    error::{AppError, codes},
    tenant::Tenant,
};

pub use crate::{
    jwt::{Claims, JwtKeys},
    roles::{Capability, Role},
};

/// A signed-in user of the request's platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthUser {
    /// User id.
    pub id: Uuid,
    /// Role (the current one when a [`UserDirectory`] is registered, else the token's).
    pub role: Role,
    /// Capability flags (current, like `role`).
    pub caps: Vec<Capability>,
    /// The platform (equal to the request's tenant).
    pub tenant: Arc<Tenant>,
}

impl AuthUser {
    /// Whether the user has a capability (admins have all).
    pub fn can(&self, cap: Capability) -> bool {
        self.role.is_admin() || self.caps.contains(&cap)
    }
}

/// What the user store says about a user right now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    /// Current role.
    pub role: Role,
    /// Current capability flags.
    pub caps: Vec<Capability>,
    /// False when the account is suspended.
    pub active: bool,
    /// Access tokens issued before this time (seconds since the epoch) are refused: set when
    /// a password is reset or changed, so stolen tokens die with the old password.
    pub tokens_valid_after: Option<i64>,
}

/// The user store consulted on every authenticated request, so that suspending a user or
/// changing their role takes effect on their next request rather than when their token
/// expires. Identity implements it (a short Redis cache over PostgreSQL) and the app
/// registers it as `web::Data<dyn UserDirectory>`; without one, the token's claims are used.
pub trait UserDirectory: Send + Sync + 'static {
    /// The user `user_id` of platform `tenant`, or `None` when no such user exists there.
    fn current<'a>(
        &'a self,
        user_id: Uuid,
        tenant: &'a Tenant,
    ) -> BoxFuture<'a, Result<Option<CurrentUser>, AppError>>;
}

/// Email-and-password sign-in for server-rendered pages whose crate cannot depend on
/// identity (the queue dashboard). Identity implements it with its login service (argon2
/// verification, the login rate limits per IP and per account, failing closed while Redis is
/// down) and the app registers it as `web::Data<dyn PasswordSignIn>`.
pub trait PasswordSignIn: Send + Sync + 'static {
    /// Verifies `email` and `password` of a user of `tenant`, counting the attempt against
    /// the login rate limits of `client_ip`, and returns a short-lived access token.
    /// Unknown email and wrong password answer the same 401 `invalid_credentials`; a
    /// suspended account 401 `account_suspended`; over a limit 429, Redis down 503.
    fn sign_in<'a>(
        &'a self,
        tenant: &'a Tenant,
        email: &'a str,
        password: String,
        client_ip: &'a str,
    ) -> BoxFuture<'a, Result<String, AppError>>;
}

fn bearer(req: &HttpRequest) -> Option<&str> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// The cookie that carries the access token of server-rendered admin pages (`/admin/...`).
/// It is set with `Path=/admin; HttpOnly; SameSite=Strict`, so the browser never sends it to
/// the JSON API, and the API never reads it.
pub const PAGE_SESSION_COOKIE: &str = "mas_admin";

/// The outcome of authenticating a request's credential, computed once by
/// [`resolve_middleware`] and read synchronously by every extractor of the request.
struct Resolved {
    token: String,
    result: Result<AuthUser, Failure>,
}

/// Whether the request carries credentials that [`resolve_middleware`] accepted (body limits
/// and other edges that treat anonymous callers more strictly ask this).
pub fn is_signed_in(req: &HttpRequest) -> bool {
    req.extensions()
        .get::<Resolved>()
        .is_some_and(|r| r.result.is_ok())
}

/// A copyable form of the errors authentication produces.
#[derive(Clone)]
enum Failure {
    Refused(&'static crate::error::ErrorCode, String),
    Unexpected(String),
}

impl Failure {
    fn from_error(err: AppError) -> Self {
        match err {
            AppError::Coded { code, detail, .. } => Self::Refused(code, detail),
            other => Self::Unexpected(format!("{:#}", anyhow::Error::new(other))),
        }
    }

    fn to_error(&self) -> AppError {
        match self.clone() {
            Self::Refused(code, detail) => AppError::new(code, detail),
            Self::Unexpected(message) => AppError::Unexpected(anyhow::anyhow!(message)),
        }
    }
}

/// Middleware (inside tenant resolution): authenticates the request's bearer token, or the
/// admin-page cookie, once, before any extractor runs, and keeps the outcome in the request.
///
/// Extractors then decide synchronously and in argument order, so a handler's
/// `Require<P>` answers 401/403 before a `ValidJson` body is judged (actix polls the
/// extractors of a handler together: an asynchronous user lookup inside the extractor would
/// let a body error overtake the permission error). A request without credentials costs
/// nothing; one with credentials costs one [`UserDirectory`] lookup even on a public route.
pub async fn resolve_middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let token = bearer(req.request()).map(str::to_owned).or_else(|| {
        req.cookie(PAGE_SESSION_COOKIE)
            .map(|c| c.value().to_owned())
    });
    if let Some(token) = token
        && req.extensions().contains::<Arc<Tenant>>()
    {
        let result = authenticate_token(req.request(), &token)
            .await
            .map_err(Failure::from_error);
        req.extensions_mut().insert(Resolved { token, result });
    }
    next.call(req).await
}

/// The outcome [`resolve_middleware`] stored for `token`, if it ran.
fn resolved(req: &HttpRequest, token: &str) -> Option<Result<AuthUser, AppError>> {
    req.extensions()
        .get::<Resolved>()
        .filter(|r| r.token == token)
        .map(|r| r.result.clone().map_err(|f| f.to_error()))
}

async fn authenticate_cached(req: &HttpRequest, token: &str) -> Result<AuthUser, AppError> {
    match resolved(req, token) {
        Some(result) => result,
        None => authenticate_token(req, token).await,
    }
}

async fn authenticate(req: &HttpRequest) -> Result<AuthUser, AppError> {
    let token = bearer(req).ok_or_else(|| AppError::unauthorized("missing bearer token"))?;
    authenticate_cached(req, token).await
}

/// Authenticates a server-rendered page request: the bearer token, or else the
/// [`PAGE_SESSION_COOKIE`]. Same checks as [`AuthUser`] (signature, expiry, platform,
/// current status).
pub async fn authenticate_page(req: &HttpRequest) -> Result<AuthUser, AppError> {
    if let Some(token) = bearer(req) {
        return authenticate_cached(req, token).await;
    }
    let cookie = req
        .cookie(PAGE_SESSION_COOKIE)
        .ok_or_else(|| AppError::unauthorized("not signed in"))?;
    authenticate_cached(req, cookie.value()).await
}

/// Authenticates a request carrying `token` (a JWT access token): signature, issuer and
/// expiry; the token's platform against the request's (403 `wrong_platform`); then, when a
/// [`UserDirectory`] is registered, the user's current state: unknown -> 401, suspended ->
/// 401 `account_suspended`, token older than a password change -> 401; role and
/// capabilities are the current ones, not the token's.
pub async fn authenticate_token(req: &HttpRequest, token: &str) -> Result<AuthUser, AppError> {
    let ctx = req
        .app_data::<web::Data<AppContext>>()
        .ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("AppContext is not registered")))?;
    let claims = ctx.jwt.verify(token)?;
    let tenant = req
        .extensions()
        .get::<Arc<Tenant>>()
        .cloned()
        .ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("tenant not resolved before auth")))?;
    if claims.plat != tenant.slug {
        return Err(AppError::new(
            &codes::WRONG_PLATFORM,
            format!("this token was issued for platform {:?}", claims.plat),
        ));
    }
    let mut user = AuthUser {
        id: claims.sub,
        role: claims.role,
        caps: claims.caps,
        tenant,
    };
    let Some(directory) = req.app_data::<web::Data<dyn UserDirectory>>().cloned() else {
        return Ok(user);
    };
    let current = admit(claims.iat, directory.current(user.id, &user.tenant).await?)?;
    user.role = current.role;
    user.caps = current.caps;
    Ok(user)
}

/// Whether the user store's answer lets a verified token in: the user exists (else 401),
/// is not suspended (401 `account_suspended`) and has not changed their password since the
/// token was issued at `issued_at` (401). Shared by HTTP requests and Socket.IO CONNECT.
pub fn admit(issued_at: i64, current: Option<CurrentUser>) -> Result<CurrentUser, AppError> {
    match current {
        None => Err(AppError::unauthorized("this account does not exist")),
        Some(current) if !current.active => Err(AppError::new(
            &codes::ACCOUNT_SUSPENDED,
            "this account is suspended",
        )),
        Some(current) if current.tokens_valid_after.is_some_and(|t| issued_at < t) => Err(
            AppError::unauthorized("this token was revoked by a password change; sign in again"),
        ),
        Some(current) => Ok(current),
    }
}

impl FromRequest for AuthUser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authenticate(&req).await })
    }
}

/// A signed-in user when the request carries credentials, `None` when it carries none.
/// Unlike `Option<AuthUser>` (which turns every failure into `None`), a token that is
/// present but invalid, expired or of another platform is still refused.
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<AuthUser>);

impl FromRequest for MaybeUser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            if req.headers().contains_key(header::AUTHORIZATION) {
                authenticate(&req).await.map(|u| MaybeUser(Some(u)))
            } else {
                Ok(MaybeUser(None))
            }
        })
    }
}

/// A permission a route demands, checked on a signed-in user.
pub trait Policy {
    /// Human name for 403 details.
    const NAME: &'static str;
    /// Whether `user` passes.
    fn allows(user: &AuthUser) -> bool;
}

/// An [`AuthUser`] that passed policy `P`: 401 when not signed in, 403 when not allowed.
#[derive(Debug, Clone)]
pub struct Require<P: Policy> {
    /// The user.
    pub user: AuthUser,
    _policy: PhantomData<P>,
}

impl<P: Policy> std::ops::Deref for Require<P> {
    type Target = AuthUser;
    fn deref(&self) -> &AuthUser {
        &self.user
    }
}

impl<P: Policy + 'static> FromRequest for Require<P> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let user = authenticate(&req).await?;
            if P::allows(&user) {
                Ok(Require {
                    user,
                    _policy: PhantomData,
                })
            } else {
                Err(AppError::forbidden(format!(
                    "this action requires {}",
                    P::NAME
                )))
            }
        })
    }
}

macro_rules! policy {
    ($(#[$doc:meta])* $name:ident, $label:literal, |$u:ident| $check:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name;
        impl Policy for $name {
            const NAME: &'static str = $label;
            fn allows($u: &AuthUser) -> bool {
                $check
            }
        }
    };
}

policy!(/// ADMIN or SUPERADMIN.
    Admin, "an admin", |u| u.role.is_admin());
policy!(/// SUPERADMIN only.
    SuperAdmin, "a superadmin", |u| u.role == Role::Superadmin);
policy!(/// EXPERT (approved mentor) or admin.
    Expert, "a mentor", |u| u.role == Role::Expert || u.role.is_admin());
policy!(/// SALES or admin.
    Sales, "a sales user", |u| u.role == Role::Sales || u.role.is_admin());
policy!(/// Finance capability or admin.
    Finance, "the finance capability", |u| u.can(Capability::Finance));
policy!(/// HR capability or admin.
    Hr, "the HR capability", |u| u.can(Capability::Hr));
policy!(/// Sales-head capability or admin.
    SalesHead, "the sales-head capability", |u| u.can(Capability::SalesHead));
policy!(/// Batch-lead capability or admin.
    BatchLead, "the batch-lead capability", |u| u.can(Capability::BatchLead));
policy!(/// Community-manager capability or admin.
    CommunityManager, "the community-manager capability", |u| u.can(Capability::Cm));

policy!(/// SUPERADMIN, or a user holding the `ops` capability (not implied by ADMIN: the queue
    /// dashboard shows job data of every user).
    Ops, "a superadmin or the ops capability", |u| u.role == Role::Superadmin || u.caps.contains(&Capability::Ops));
policy!(/// Super-mentor capability or admin.
    SuperMentor, "the super-mentor capability", |u| u.can(Capability::SuperMentor));

/// The LMS's enrolment check behind [`Enrolled`] (the seed's `isEnrolled` middleware). The LMS
/// implements it and the app registers it as `web::Data<dyn EnrollmentCheck>`.
pub trait EnrollmentCheck: Send + Sync + 'static {
    /// Whether `user` is enrolled in course `course_id` of their platform.
    fn is_enrolled<'a>(
        &'a self,
        user: &'a AuthUser,
        course_id: Uuid,
    ) -> BoxFuture<'a, Result<bool, AppError>>;
}

/// A signed-in user enrolled in the course named by the route's `{course_id}` parameter.
/// Admins and mentors pass without an enrolment; anyone else not enrolled gets 403
/// `not_enrolled`; a malformed course id is a 404.
#[derive(Debug, Clone)]
pub struct Enrolled {
    /// The user.
    pub user: AuthUser,
    /// The course from the path.
    pub course_id: Uuid,
}

impl FromRequest for Enrolled {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let user = authenticate(&req).await?;
            let course_id = req
                .match_info()
                .get("course_id")
                .and_then(|raw| Uuid::parse_str(raw).ok())
                .ok_or_else(|| AppError::not_found(format!("no course at {}", req.path())))?;
            if user.role.is_admin() || user.role == Role::Expert {
                return Ok(Enrolled { user, course_id });
            }
            let check = req
                .app_data::<web::Data<dyn EnrollmentCheck>>()
                .cloned()
                .ok_or_else(|| {
                    AppError::Unexpected(anyhow::anyhow!("no EnrollmentCheck is registered"))
                })?;
            if check.is_enrolled(&user, course_id).await? {
                Ok(Enrolled { user, course_id })
            } else {
                Err(AppError::new(
                    &codes::NOT_ENROLLED,
                    "you are not enrolled in this course",
                ))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn keys() -> JwtKeys {
        let config = Config::from_lookup(|_| None).unwrap();
        JwtKeys::from_config(&config)
    }

    #[test]
    fn issued_tokens_verify_and_tampered_ones_do_not() {
        let k = keys();
        let id = Uuid::now_v7();
        let token = k
            .issue(id, Role::Admin, vec![Capability::Finance], "mr-mentor", 60)
            .unwrap();
        let claims = k.verify(&token).unwrap();
        assert_eq!(claims.sub, id);
        assert_eq!(claims.plat, "mr-mentor");
        let mut tampered = token.clone();
        tampered.pop();
        tampered.push(if token.ends_with('A') { 'B' } else { 'A' });
        assert!(k.verify(&tampered).is_err());
        let expired = k.issue(id, Role::User, vec![], "mr-mentor", -60).unwrap();
        assert_eq!(
            k.verify(&expired).unwrap_err().problem().detail,
            "token expired"
        );
    }
}

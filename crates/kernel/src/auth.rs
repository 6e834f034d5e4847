//! Authentication claims and the extractors handlers use to demand identity.
//!
//! Middleware never authorizes: a handler asks for [`AuthUser`] (any signed-in user of this
//! platform) or [`Require<P>`] whose policy type names the permission (`Require<Admin>`,
//! `Require<Finance>`…). Identity issues the tokens; this module only verifies them.

use std::{future::Future, marker::PhantomData, pin::Pin, sync::Arc};

use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, http::header, web};
use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{config::Config, context::AppContext, error::AppError, tenant::Tenant};

/// Application roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    /// Student / mentee / candidate.
    User,
    /// Platform administrator.
    Admin,
    /// Administrator of everything, including platforms.
    Superadmin,
    /// Approved mentor.
    Expert,
    /// Sales agent.
    Sales,
}

impl Role {
    /// ADMIN or SUPERADMIN.
    pub fn is_admin(self) -> bool {
        matches!(self, Role::Admin | Role::Superadmin)
    }
}

/// Capability flags that widen a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Capability {
    /// Finance portal.
    Finance,
    /// HR / recruiter.
    Hr,
    /// Community manager.
    Cm,
    /// Sales head.
    SalesHead,
    /// Batch lead.
    BatchLead,
    /// Super mentor.
    SuperMentor,
}

/// Access-token claims (the contract: `sub, role, caps, plat, iat, exp, jti`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// User id.
    pub sub: Uuid,
    /// Role.
    pub role: Role,
    /// Capability flags.
    pub caps: Vec<Capability>,
    /// Platform slug the token was issued for.
    pub plat: String,
    /// Issued at (seconds since epoch).
    pub iat: i64,
    /// Expires at (seconds since epoch).
    pub exp: i64,
    /// Token id.
    pub jti: Uuid,
    /// Issuer.
    pub iss: String,
}

/// HS256 keys and validation rules.
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
}

impl JwtKeys {
    /// Keys from `JWT_SECRET` / `JWT_ISSUER`.
    pub fn from_config(config: &Config) -> Self {
        let secret = config.jwt_secret.expose_secret().as_bytes();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[config.jwt_issuer.as_str()]);
        validation.set_required_spec_claims(&["exp", "iat", "sub", "iss"]);
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: config.jwt_issuer.clone(),
        }
    }

    /// Signs an access token for a user of a platform, valid for `ttl_secs`.
    pub fn issue(
        &self,
        user_id: Uuid,
        role: Role,
        caps: Vec<Capability>,
        platform: &str,
        ttl_secs: i64,
    ) -> Result<String, AppError> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            sub: user_id,
            role,
            caps,
            plat: platform.to_owned(),
            iat: now,
            exp: now + ttl_secs,
            jti: crate::ids::new_id(),
            iss: self.issuer.clone(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| AppError::Unexpected(anyhow::Error::new(e).context("signing a JWT")))
    }

    /// Verifies signature, algorithm, issuer and expiry.
    pub fn verify(&self, token: &str) -> Result<Claims, AppError> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| {
                let why = match e.kind() {
                    jsonwebtoken::errors::ErrorKind::ExpiredSignature => "token expired",
                    _ => "invalid token",
                };
                AppError::unauthorized(why)
            })
    }
}

/// A signed-in user of the request's platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthUser {
    /// User id.
    pub id: Uuid,
    /// Role.
    pub role: Role,
    /// Capability flags.
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

fn authenticate(req: &HttpRequest) -> Result<AuthUser, AppError> {
    let token = bearer(req).ok_or_else(|| AppError::unauthorized("missing bearer token"))?;
    authenticate_token(req, token)
}

/// Authenticates a server-rendered page request: the bearer token, or else the
/// [`PAGE_SESSION_COOKIE`]. Same checks as [`AuthUser`] (signature, expiry, platform).
pub fn authenticate_page(req: &HttpRequest) -> Result<AuthUser, AppError> {
    if let Some(token) = bearer(req) {
        return authenticate_token(req, token);
    }
    let cookie = req
        .cookie(PAGE_SESSION_COOKIE)
        .ok_or_else(|| AppError::unauthorized("not signed in"))?;
    authenticate_token(req, cookie.value())
}

/// Authenticates a request carrying `token` (a JWT access token).
pub fn authenticate_token(req: &HttpRequest, token: &str) -> Result<AuthUser, AppError> {
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
        return Err(AppError::Forbidden {
            code: "wrong_platform".into(),
            detail: format!("this token was issued for platform {:?}", claims.plat),
        });
    }
    Ok(AuthUser {
        id: claims.sub,
        role: claims.role,
        caps: claims.caps,
        tenant,
    })
}

impl FromRequest for AuthUser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let result = authenticate(req);
        Box::pin(async move { result })
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
        let result = authenticate(req).and_then(|user| {
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
        });
        Box::pin(async move { result })
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

#[cfg(test)]
mod tests {
    use super::*;

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

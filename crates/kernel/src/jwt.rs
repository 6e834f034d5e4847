//! HS256 access tokens: the claims and the keys that sign and verify them. Identity issues
//! tokens; [`crate::auth`] verifies them on requests; [`crate::context::AppContext`] holds the
//! keys.

use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    config::Config,
    error::AppError,
    roles::{Capability, Role},
};

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

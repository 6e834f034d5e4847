//! The crate's errors and the problem each one answers (codes listed in
//! `docs/architecture.md`).

use actix_web::http::StatusCode;
use kernel::AppError;

/// What can go wrong signing in or managing users.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    /// 409 `email_taken` on `email`: another user of this platform has the address.
    #[error("an account with this email already exists")]
    EmailTaken,
    /// 401 `invalid_credentials`: unknown email or wrong password (one answer for both).
    #[error("the email or password is wrong")]
    InvalidCredentials,
    /// 401 `account_suspended`.
    #[error("this account is suspended")]
    AccountSuspended,
    /// 401 `invalid_refresh_token`: unknown, expired, revoked or of another platform.
    #[error("the refresh token is not valid ({0})")]
    InvalidRefreshToken(&'static str),
    /// 401 `refresh_token_reused`: a spent token came back; its family is now revoked.
    #[error("this refresh token was already used; every session of this sign-in is revoked")]
    RefreshTokenReused,
    /// 401 `invalid_otp`: wrong, expired, used or out of tries.
    #[error("the code is wrong or expired")]
    InvalidOtp,
    /// 400 `invalid_reset_token`: unknown, expired or used reset link.
    #[error("the reset link is not valid or has expired")]
    InvalidResetToken,
    /// 400 `invalid_oauth_state`: the OAuth `state` is unknown, expired or used.
    #[error("the sign-in attempt is unknown or expired; start again")]
    InvalidOAuthState,
    /// 400 `invalid_oauth_code`: the provider refused the authorization code.
    #[error("the provider refused the authorization code")]
    InvalidOAuthCode,
    /// 403 `email_not_verified`: the provider has not verified the account's email.
    #[error("the provider has not verified this email address")]
    EmailNotVerified,
    /// 502 `bad_gateway`: the provider failed or answered nonsense.
    #[error("the sign-in provider failed: {0}")]
    Provider(String),
    /// 403 `forbidden` with a reason.
    #[error("{0}")]
    Forbidden(String),
    /// 404 `not_found`.
    #[error("{0}")]
    NotFound(String),
    /// Any other API error, answered as it is.
    #[error(transparent)]
    App(#[from] AppError),
    /// Database failure: an opaque 500.
    #[error("database error")]
    Db(#[from] sea_orm::DbErr),
    /// Anything else: an opaque 500.
    #[error("unexpected identity error")]
    Unexpected(#[from] anyhow::Error),
}

impl From<IdentityError> for AppError {
    fn from(err: IdentityError) -> Self {
        let detail = err.to_string();
        let unauthorized = |code: &'static str| AppError::Unauthorized {
            code: code.into(),
            detail: detail.clone(),
        };
        match err {
            IdentityError::EmailTaken => AppError::conflict("email_taken", detail, Some("email")),
            IdentityError::InvalidCredentials => unauthorized("invalid_credentials"),
            IdentityError::AccountSuspended => unauthorized("account_suspended"),
            IdentityError::InvalidRefreshToken(_) => unauthorized("invalid_refresh_token"),
            IdentityError::RefreshTokenReused => unauthorized("refresh_token_reused"),
            IdentityError::InvalidOtp => unauthorized("invalid_otp"),
            IdentityError::InvalidResetToken => {
                AppError::bad_request("invalid_reset_token", detail)
            }
            IdentityError::InvalidOAuthState => {
                AppError::bad_request("invalid_oauth_state", detail)
            }
            IdentityError::InvalidOAuthCode => AppError::bad_request("invalid_oauth_code", detail),
            IdentityError::EmailNotVerified => AppError::Forbidden {
                code: "email_not_verified".into(),
                detail,
            },
            IdentityError::Provider(_) => AppError::Status {
                status: StatusCode::BAD_GATEWAY,
                detail,
            },
            IdentityError::Forbidden(_) => AppError::forbidden(detail),
            IdentityError::NotFound(_) => AppError::not_found(detail),
            IdentityError::App(e) => e,
            IdentityError::Db(e) => AppError::from(e),
            IdentityError::Unexpected(e) => AppError::Unexpected(e),
        }
    }
}

impl From<deadpool_redis::PoolError> for IdentityError {
    fn from(err: deadpool_redis::PoolError) -> Self {
        Self::App(err.into())
    }
}

impl From<redis::RedisError> for IdentityError {
    fn from(err: redis::RedisError) -> Self {
        Self::App(err.into())
    }
}

/// Shorthand for results of this crate's services.
pub type IdentityResult<T> = Result<T, IdentityError>;

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn codes_follow_the_contract() {
        let p = |e: IdentityError| AppError::from(e).problem();
        assert_eq!(p(IdentityError::EmailTaken).code, "email_taken");
        assert_eq!(p(IdentityError::EmailTaken).status, 409);
        assert_eq!(
            p(IdentityError::EmailTaken).errors.unwrap()[0].field,
            "email"
        );
        assert_eq!(
            p(IdentityError::InvalidCredentials).code,
            "invalid_credentials"
        );
        assert_eq!(
            p(IdentityError::RefreshTokenReused).code,
            "refresh_token_reused"
        );
        assert_eq!(p(IdentityError::InvalidOtp).status, 401);
        assert_eq!(p(IdentityError::Provider("x".into())).status, 502);
    }
}

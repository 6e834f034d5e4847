//! The crate's errors: its codes (registered in `docs/errors.md`) and the one each variant
//! answers.

use kernel::{
    AppError,
    error::{ErrorCode, codes as kernel_codes},
};

/// Identity's error codes.
pub mod codes {
    kernel::error_codes! {
        /// Another user of this platform has the email address.
        EMAIL_TAKEN = CONFLICT "email_taken";
        /// Unknown email or wrong password (one answer for both).
        INVALID_CREDENTIALS = UNAUTHORIZED "invalid_credentials";
        /// The refresh token is unknown, expired, revoked or of another platform.
        INVALID_REFRESH_TOKEN = UNAUTHORIZED "invalid_refresh_token";
        /// A spent refresh token came back; its whole family is revoked.
        REFRESH_TOKEN_REUSED = UNAUTHORIZED "refresh_token_reused";
        /// The one-time code is wrong, expired, used or out of tries.
        INVALID_OTP = UNAUTHORIZED "invalid_otp";
        /// The password-reset link is unknown, expired or used.
        INVALID_RESET_TOKEN = BAD_REQUEST "invalid_reset_token";
        /// The sign-in provider has not verified the account's email.
        EMAIL_NOT_VERIFIED = FORBIDDEN "email_not_verified";
        /// This account is already linked to another account of the provider.
        OAUTH_ACCOUNT_LINKED = CONFLICT "oauth_account_linked";
    }
}

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

impl IdentityError {
    /// The registered code this error answers (its status comes with it).
    pub fn code(&self) -> &'static ErrorCode {
        match self {
            Self::EmailTaken => &codes::EMAIL_TAKEN,
            Self::InvalidCredentials => &codes::INVALID_CREDENTIALS,
            Self::AccountSuspended => &kernel_codes::ACCOUNT_SUSPENDED,
            Self::InvalidRefreshToken(_) => &codes::INVALID_REFRESH_TOKEN,
            Self::RefreshTokenReused => &codes::REFRESH_TOKEN_REUSED,
            Self::InvalidOtp => &codes::INVALID_OTP,
            Self::InvalidResetToken => &codes::INVALID_RESET_TOKEN,
            Self::InvalidOAuthState => &kernel_codes::INVALID_OAUTH_STATE,
            Self::InvalidOAuthCode => &kernel_codes::INVALID_OAUTH_CODE,
            Self::EmailNotVerified => &codes::EMAIL_NOT_VERIFIED,
            Self::Provider(_) => &kernel_codes::BAD_GATEWAY,
            Self::Forbidden(_) => &kernel_codes::FORBIDDEN,
            Self::NotFound(_) => &kernel_codes::NOT_FOUND,
            Self::App(e) => e.error_code(),
            Self::Db(_) | Self::Unexpected(_) => &kernel_codes::INTERNAL_ERROR,
        }
    }
}

impl From<IdentityError> for AppError {
    fn from(err: IdentityError) -> Self {
        match err {
            IdentityError::App(e) => e,
            IdentityError::Db(e) => AppError::from(e),
            IdentityError::Unexpected(e) => AppError::Unexpected(e),
            IdentityError::EmailTaken => {
                AppError::new(err.code(), err.to_string()).on_field("email")
            }
            other => AppError::new(other.code(), other.to_string()),
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

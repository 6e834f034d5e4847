//! The crate's errors and their answers.

use kernel::{
    AppError,
    error::{ErrorCode, codes as kernel_codes},
};

/// The token economy's error codes.
pub mod codes {
    kernel::error_codes! {
        /// The wallet has fewer tokens than the operation needs.
        INSUFFICIENT_TOKENS = PAYMENT_REQUIRED "insufficient_tokens";
        /// The `Idempotency-Key` was already used for a different request.
        IDEMPOTENCY_KEY_REUSED = CONFLICT "idempotency_key_reused";
        /// A token pack with this name exists.
        PACK_EXISTS = CONFLICT "pack_exists";
        /// Tokens may not be held past the configured maximum.
        HOLD_TOO_LONG = FORBIDDEN "hold_too_long";
        /// The user's daily token commitment cap is reached.
        DAILY_SPEND_CAP_EXCEEDED = FORBIDDEN "daily_spend_cap_exceeded";
        /// The mentor already has an open payout request.
        PAYOUT_OPEN = CONFLICT "payout_open";
        /// The payout is already paid or rejected.
        PAYOUT_SETTLED = CONFLICT "payout_settled";
        /// A staff member cannot decide on their own payout (four eyes).
        OWN_PAYOUT = FORBIDDEN "own_payout";
    }
}

/// What can go wrong with tokens.
#[derive(Debug, thiserror::Error)]
pub enum TokensError {
    /// The debit account would go below zero.
    #[error("not enough tokens: {available} available, {needed} needed")]
    Insufficient {
        /// The kind of the account that is short, as stored (`user_available`, …).
        account: &'static str,
        /// Its balance.
        available: i64,
        /// What the transfer needs.
        needed: i64,
    },
    /// The idempotency key was used for a different movement.
    #[error("this Idempotency-Key was already used for a different request")]
    IdempotencyKeyReused,
    /// A field is invalid.
    #[error("{field}: {message}")]
    Invalid {
        /// The field.
        field: &'static str,
        /// Why.
        message: String,
    },
    /// Something does not exist (or not on this platform).
    #[error("no such {0}")]
    NotFound(&'static str),
    /// 403 `hold_too_long`: the deadline is past the maximum hold.
    #[error("tokens may be held for at most {max_hours} hours")]
    HoldTooLong {
        /// The maximum hold in hours.
        max_hours: i64,
    },
    /// 403 `daily_spend_cap_exceeded`.
    #[error("{spent} of {cap} tokens already committed today")]
    DailySpendCapExceeded {
        /// Committed today.
        spent: i64,
        /// The cap.
        cap: i64,
    },
    /// The mentor already has an open payout request.
    #[error("a payout request is already open")]
    PayoutOpen,
    /// The payout is already paid or rejected.
    #[error("the payout is already {0}")]
    PayoutSettled(String),
    /// A staff member decided on their own payout (four eyes: someone else must).
    #[error("a payout is decided by someone other than the mentor who requested it")]
    OwnPayout,
    /// The database failed.
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
}

impl TokensError {
    /// The registered code this error answers (its status comes with it).
    pub fn code(&self) -> &'static ErrorCode {
        match self {
            Self::Insufficient { .. } => &codes::INSUFFICIENT_TOKENS,
            Self::IdempotencyKeyReused => &codes::IDEMPOTENCY_KEY_REUSED,
            Self::Invalid { .. } => &kernel_codes::VALIDATION_FAILED,
            Self::NotFound(_) => &kernel_codes::NOT_FOUND,
            Self::HoldTooLong { .. } => &codes::HOLD_TOO_LONG,
            Self::DailySpendCapExceeded { .. } => &codes::DAILY_SPEND_CAP_EXCEEDED,
            Self::PayoutOpen => &codes::PAYOUT_OPEN,
            Self::PayoutSettled(_) => &codes::PAYOUT_SETTLED,
            Self::OwnPayout => &codes::OWN_PAYOUT,
            Self::Db(_) => &kernel_codes::INTERNAL_ERROR,
        }
    }
}

impl From<TokensError> for AppError {
    fn from(err: TokensError) -> Self {
        match err {
            TokensError::Insufficient {
                available, needed, ..
            } => AppError::new(
                err.code(),
                format!("{available} tokens available, {needed} needed"),
            ),
            TokensError::IdempotencyKeyReused => {
                AppError::new(err.code(), err.to_string()).on_field("Idempotency-Key")
            }
            TokensError::Invalid { field, message } => AppError::invalid_field(field, message),
            TokensError::Db(e) => e.into(),
            other => AppError::new(other.code(), other.to_string()),
        }
    }
}

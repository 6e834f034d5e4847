//! The crate's errors and their answers.

use kernel::AppError;

use crate::ledger::AccountKind;

/// What can go wrong with tokens.
#[derive(Debug, thiserror::Error)]
pub enum TokensError {
    /// The debit account would go below zero.
    #[error("not enough tokens: {available} available, {needed} needed")]
    Insufficient {
        /// The account that is short.
        account: AccountKind,
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
    /// A governance rule refuses the request.
    #[error("{detail}")]
    Governance {
        /// `daily_spend_cap_exceeded`, `hold_too_long`.
        code: &'static str,
        /// Why.
        detail: String,
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

impl From<TokensError> for AppError {
    fn from(err: TokensError) -> Self {
        match err {
            TokensError::Insufficient {
                available, needed, ..
            } => AppError::PaymentRequired {
                code: "insufficient_tokens".into(),
                detail: format!("{available} tokens available, {needed} needed"),
            },
            TokensError::IdempotencyKeyReused => AppError::Conflict {
                code: "idempotency_key_reused".into(),
                detail: err.to_string(),
                field: Some("Idempotency-Key".into()),
            },
            TokensError::Invalid { field, message } => AppError::invalid_field(field, message),
            TokensError::NotFound(what) => AppError::not_found(format!("no such {what}")),
            TokensError::OwnPayout => AppError::Forbidden {
                code: "own_payout".into(),
                detail: err.to_string(),
            },
            TokensError::Governance { code, detail } => AppError::Forbidden {
                code: code.into(),
                detail,
            },
            TokensError::PayoutOpen => AppError::Conflict {
                code: "payout_open".into(),
                detail: err.to_string(),
                field: None,
            },
            TokensError::PayoutSettled(_) => AppError::Conflict {
                code: "payout_settled".into(),
                detail: err.to_string(),
                field: None,
            },
            TokensError::Db(e) => e.into(),
        }
    }
}

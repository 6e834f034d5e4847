//! Domain events tokens publishes through the outbox (ids and figures only).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `payout.changed`: a mentor's payout was requested, approved, rejected or paid. Finance
/// keeps the outstanding payouts from it and posts a paid one to its ledger (ADR 0069). No
/// bank reference or reason in it: finance needs the money, not the words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutChanged {
    /// The payout.
    pub payout_id: Uuid,
    /// The mentor paid.
    pub mentor_id: Uuid,
    /// The platform's id (its slug is the outbox envelope's `platform`).
    pub platform_id: Uuid,
    /// `requested`, `approved`, `rejected` or `paid`.
    pub status: String,
    /// Tokens.
    pub tokens: i64,
    /// What they are worth in paise at `TOKEN_VALUE_PAISE` when this happened.
    pub value_paise: i64,
    /// When.
    pub at: DateTime<Utc>,
}

impl jobs::EventSpec for PayoutChanged {
    const NAME: &'static str = "payout.changed";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

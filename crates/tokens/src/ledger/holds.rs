//! Holds: tokens moved from a user's available account to their held account when a booking
//! is made, then settled once — posted (to the mentor's earnings and the platform's
//! commission), voided (back to the user), or split between the two. The hold row is locked
//! while it is settled, so a second settlement (a repeated request, a race with a job)
//! changes nothing.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait,
    FromQueryResult, QueryFilter, QuerySelect, Statement, sea_query::LockType,
};
use serde_json::json;
use uuid::Uuid;

use super::{
    Account, AccountKind, MOVE_BALANCES, NewTransfer, TransferKind, insert_transfer, lock_checked,
    shortfall, transfer, transfer_values,
};
use crate::{
    entities::ledger_holds::{self, HoldStatus},
    error::TokensError,
};

/// A hold to place.
#[derive(Debug, Clone)]
pub struct NewHold<'a> {
    /// Platform.
    pub platform_id: Uuid,
    /// Whose tokens.
    pub user_id: Uuid,
    /// Tokens.
    pub amount: i64,
    /// What it is for (`booking:<id>`), unique per platform: placing it twice is one hold.
    pub reference: &'a str,
    /// Latest settlement allowed (governance), if any.
    pub expires_at: Option<DateTime<Utc>>,
}

/// The hold (`$8` is its id, `$12`-`$14` its user, reference and expiry) inserted unless its
/// reference exists, with its transfer ([`transfer_values`] as `$1`-`$11`) written only with
/// the hold, and both balances moved only with the transfer.
static PLACE: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH h AS (
            INSERT INTO ledger_holds (id, platform_id, user_id, amount, status, reference,
                                      expires_at)
            VALUES ($8, $2, $12, $7, 'pending', $13, $14)
            ON CONFLICT (platform_id, reference) DO NOTHING
            RETURNING *),
         ins AS ({}),
         moved AS ({MOVE_BALANCES})
         SELECT * FROM h",
        insert_transfer("SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 FROM h")
    )
});

/// Places a hold in `conn`'s transaction; a repeat with the same reference returns the
/// existing hold. Fails with [`TokensError::Insufficient`] when the user's available
/// balance is short. Two statements after the governance switch (a settings read): the
/// user's two accounts locked, then the hold inserted (unless its reference exists) with its
/// transfer and both balance moves in one.
pub async fn place<C: ConnectionTrait>(
    conn: &C,
    h: NewHold<'_>,
) -> Result<ledger_holds::Model, TokensError> {
    if let Some(rules) = crate::governance::Rules::load(conn, h.platform_id).await?
        && let Err(refused) = rules
            .check(conn, h.platform_id, h.user_id, h.amount, h.expires_at)
            .await
    {
        return placed_before(conn, &h, refused).await;
    }
    let id = kernel::ids::new_id();
    let key = format!("hold:{id}");
    let t = NewTransfer {
        platform_id: h.platform_id,
        key: &key,
        kind: TransferKind::Hold,
        from: Account::available(h.user_id),
        to: Account::held(h.user_id),
        amount: h.amount,
        hold_id: Some(id),
        reason: "",
        metadata: json!({"reference": h.reference}),
        created_by: Some(h.user_id),
    };
    let (debit, credit) = lock_checked(conn, &t).await?;
    if let Some(short) = shortfall(&debit, &t) {
        return placed_before(conn, &h, short).await;
    }
    let mut values = transfer_values(&t, debit.id, credit.id);
    values.extend([h.user_id.into(), h.reference.into(), h.expires_at.into()]);
    let placed = ledger_holds::Model::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        PLACE.as_str(),
        values,
    ))
    .one(conn)
    .await?;
    match placed {
        Some(hold) => Ok(hold),
        // placed before (or by a concurrent request that committed first)
        None => placed_before(conn, &h, TokensError::NotFound("hold")).await,
    }
}

/// The hold placed before under `h`'s reference, else `err`: a repeat is answered with the
/// first hold, whatever refused or skipped this one.
async fn placed_before<C: ConnectionTrait>(
    conn: &C,
    h: &NewHold<'_>,
    err: TokensError,
) -> Result<ledger_holds::Model, TokensError> {
    by_reference(conn, h.platform_id, h.reference)
        .await?
        .ok_or(err)
}

/// The hold for a reference.
pub async fn by_reference<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    reference: &str,
) -> Result<Option<ledger_holds::Model>, sea_orm::DbErr> {
    ledger_holds::Entity::find()
        .filter(ledger_holds::Column::PlatformId.eq(platform_id))
        .filter(ledger_holds::Column::Reference.eq(reference))
        .one(conn)
        .await
}

/// How a hold is settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settlement {
    /// The mentor who earns the posted part (required when `post > 0`).
    pub mentor_id: Option<Uuid>,
    /// Tokens posted (mentor share plus commission).
    pub post: i64,
    /// Platform commission in basis points of the posted part (1000 = 10 %).
    pub commission_bps: u32,
    /// Tokens returned to the user.
    pub refund: i64,
}

impl Settlement {
    /// The whole hold goes to the mentor (less commission).
    pub fn post_all(amount: i64, mentor_id: Uuid, commission_bps: u32) -> Self {
        Self {
            mentor_id: Some(mentor_id),
            post: amount,
            commission_bps,
            refund: 0,
        }
    }

    /// The whole hold goes back to the user.
    pub fn void_all(amount: i64) -> Self {
        Self {
            mentor_id: None,
            post: 0,
            commission_bps: 0,
            refund: amount,
        }
    }
}

/// What settling did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settled {
    /// The hold after settlement.
    pub hold: ledger_holds::Model,
    /// False when the hold had already been settled (nothing changed).
    pub changed: bool,
}

/// The commission of `posted` tokens at `bps` basis points, rounded half up.
pub fn commission(posted: i64, bps: u32) -> i64 {
    (posted * i64::from(bps) + 5_000) / 10_000
}

/// Settles a pending hold once, in `conn`'s transaction.
pub async fn settle<C: ConnectionTrait>(
    conn: &C,
    hold_id: Uuid,
    s: Settlement,
) -> Result<Settled, TokensError> {
    let hold = ledger_holds::Entity::find_by_id(hold_id)
        .lock(LockType::Update)
        .one(conn)
        .await?
        .ok_or(TokensError::NotFound("hold"))?;
    if hold.status != HoldStatus::Pending {
        return Ok(Settled {
            hold,
            changed: false,
        });
    }
    if s.post < 0 || s.refund < 0 || s.post + s.refund != hold.amount {
        return Err(TokensError::Invalid {
            field: "settlement",
            message: format!(
                "posted ({}) and refunded ({}) must add up to the hold ({})",
                s.post, s.refund, hold.amount
            ),
        });
    }
    let held = Account::held(hold.user_id);
    let mut moves: Vec<(String, TransferKind, Account, i64)> = Vec::new();
    if s.post > 0 {
        let mentor = s.mentor_id.ok_or(TokensError::Invalid {
            field: "mentor_id",
            message: "a posted hold needs the mentor".into(),
        })?;
        let fee = commission(s.post, s.commission_bps);
        moves.push((
            format!("hold:{hold_id}:post"),
            TransferKind::HoldPost,
            Account::earnings(mentor),
            s.post - fee,
        ));
        moves.push((
            format!("hold:{hold_id}:commission"),
            TransferKind::HoldCommission,
            Account::platform(AccountKind::PlatformRevenue),
            fee,
        ));
    }
    moves.push((
        format!("hold:{hold_id}:void"),
        TransferKind::HoldVoid,
        Account::available(hold.user_id),
        s.refund,
    ));
    for (key, kind, to, amount) in moves.into_iter().filter(|m| m.3 > 0) {
        transfer(
            conn,
            NewTransfer {
                platform_id: hold.platform_id,
                key: &key,
                kind,
                from: held,
                to,
                amount,
                hold_id: Some(hold_id),
                reason: "",
                metadata: json!({"reference": hold.reference}),
                created_by: None,
            },
        )
        .await?;
    }
    let status = if s.post > 0 {
        HoldStatus::Posted
    } else {
        HoldStatus::Voided
    };
    let mut active: ledger_holds::ActiveModel = hold.into();
    active.status = Set(status);
    active.posted = Set(s.post);
    active.refunded = Set(s.refund);
    active.settled_at = Set(Some(Utc::now()));
    let hold = active.update(conn).await?;
    Ok(Settled {
        hold,
        changed: true,
    })
}

#[cfg(test)]
mod tests {
    use super::commission;

    #[test]
    fn commission_rounds_half_up_in_basis_points() {
        assert_eq!(commission(100, 2_000), 20);
        assert_eq!(commission(7, 1_500), 1); // 1.05
        assert_eq!(commission(3, 5_000), 2); // 1.5
        assert_eq!(commission(0, 2_000), 0);
        assert_eq!(commission(100, 0), 0);
        assert_eq!(commission(100, 10_000), 100);
    }
}

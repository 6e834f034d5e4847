//! Holds: tokens moved from a user's available account to their held account when a booking
//! is made, then settled once — posted (to the mentor's earnings and the platform's
//! commission), voided (back to the user), or split between the two. The hold row is locked
//! while it is settled, so a second settlement (a repeated request, a race with a job)
//! changes nothing.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, DbErr,
    EntityTrait, FromQueryResult, QueryFilter, QuerySelect, Statement, sea_query::LockType,
};
use serde_json::json;
use uuid::Uuid;

use super::{
    Account, AccountKind, MOVE_BALANCES, NewTransfer, TransferKind, insert_transfer, transfer,
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

/// The hold placed in one statement: the user's available and held accounts locked in id
/// order (as [`super::transfer`] locks its pair), the available balance checked under that
/// lock, the hold inserted (unless its reference exists) with its transfer, and both balances
/// moved only with the transfer. Nothing is written while governance is on and its rules
/// have not been checked (`$14` false): the switch is read here, not in a round trip of its
/// own. `$1` transfer id, `$2` platform, `$3` transfer key, `$4` transfer kind, `$5` amount,
/// `$6` hold id, `$7` reason, `$8` metadata, `$9` user, `$10` reference, `$11` expiry,
/// `$12`/`$13` the two account kinds. Always one row: how many of the two accounts exist
/// (`accounts`), the available balance and whether it may go negative (null without the
/// account), whether governance is on, and the hold's columns (null when none was inserted).
static PLACE: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH acc AS (
            SELECT id, kind, balance, allow_negative FROM ledger_accounts
             WHERE platform_id = $2 AND owner_id = $9 AND kind IN ($12, $13)
             ORDER BY id FOR UPDATE),
         d AS (SELECT * FROM acc WHERE kind = $12),
         c AS (SELECT * FROM acc WHERE kind = $13),
         gov AS (SELECT {} AS is_on),
         h AS (
            INSERT INTO ledger_holds (id, platform_id, user_id, amount, status, reference,
                                      expires_at)
            SELECT $6, $2, $9, $5, 'pending', $10, $11 FROM d, c, gov
             WHERE (d.allow_negative OR d.balance >= $5) AND ($14 OR NOT gov.is_on)
            ON CONFLICT (platform_id, reference) DO NOTHING
            RETURNING *),
         ins AS ({}),
         moved AS ({MOVE_BALANCES})
         SELECT (SELECT count(*) FROM acc) AS accounts,
                (SELECT balance FROM d) AS available,
                (SELECT allow_negative FROM d) AS available_may_go_negative,
                (SELECT is_on FROM gov) AS governance_on,
                h.*
           FROM (VALUES (1)) AS one (n) LEFT JOIN h ON true",
        crate::settings::GOVERNANCE_ENABLED.sql_is_on("$2"),
        insert_transfer("SELECT $1, $2, $3, $4, d.id, c.id, $5, $6, $7, $8, $9 FROM h, d, c")
    )
});

/// Places a hold in `conn`'s transaction; a repeat with the same reference returns the
/// existing hold. Fails with [`TokensError::Insufficient`] when the user's available
/// balance is short, and with governance's errors while it is on. One statement, [`PLACE`],
/// when governance is off; with it on, its rules are checked (under the accounts' lock) and
/// the statement runs again; a user whose two accounts do not exist yet has them created
/// first.
pub async fn place<C: ConnectionTrait>(
    conn: &C,
    h: NewHold<'_>,
) -> Result<ledger_holds::Model, TokensError> {
    super::positive(h.amount)?;
    let (from, to) = (Account::available(h.user_id), Account::held(h.user_id));
    let id = kernel::ids::new_id();
    let key = format!("hold:{id}");
    let mut values: Vec<sea_orm::Value> = vec![
        kernel::ids::new_id().into(),
        h.platform_id.into(),
        key.as_str().into(),
        TransferKind::Hold.as_str().into(),
        h.amount.into(),
        id.into(),
        "".into(),
        json!({"reference": h.reference}).into(),
        h.user_id.into(),
        h.reference.into(),
        h.expires_at.into(),
        from.kind.as_str().into(),
        to.kind.as_str().into(),
        false.into(),
    ];
    let (mut created, mut rules_checked) = (false, false);
    loop {
        values[13] = rules_checked.into();
        let row = conn
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                PLACE.as_str(),
                values.clone(),
            ))
            .await?
            .ok_or(TokensError::NotFound("hold"))?;
        if row.try_get::<Option<Uuid>>("", "id")?.is_some() {
            return Ok(ledger_holds::Model::from_query_result(&row, "")?);
        }
        let accounts: i64 = row.try_get("", "accounts")?;
        if accounts < 2 {
            // first use of either account: create both (a no-op for one that exists), then
            // place again; a second miss is a bug, not a retry
            if created {
                return Err(DbErr::RecordNotFound("ledger account".into()).into());
            }
            for account in [from, to] {
                super::account_id(conn, h.platform_id, account).await?;
            }
            created = true;
            continue;
        }
        if row.try_get::<bool>("", "governance_on")? && !rules_checked {
            // the accounts are locked now: concurrent holds of this user wait for this one,
            // so the daily cap counts them
            if let Some(rules) = crate::governance::Rules::load(conn, h.platform_id).await?
                && let Err(refused) = rules
                    .check(conn, h.platform_id, h.user_id, h.amount, h.expires_at)
                    .await
            {
                return placed_before(conn, &h, refused).await;
            }
            rules_checked = true;
            continue;
        }
        let available: i64 = row.try_get("", "available")?;
        let may_go_negative: bool = row.try_get("", "available_may_go_negative")?;
        let err = if !may_go_negative && available < h.amount {
            TokensError::Insufficient {
                account: from.kind.as_str(),
                available,
                needed: h.amount,
            }
        } else {
            // placed before (or by a concurrent request that committed first)
            TokensError::NotFound("hold")
        };
        return placed_before(conn, &h, err).await;
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

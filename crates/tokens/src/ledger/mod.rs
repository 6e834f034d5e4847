//! The double-entry ledger. Every movement of tokens is one immutable transfer from a debit
//! account to a credit account, written in the caller's transaction together with the two
//! balance rows it changes. Accounts are locked in id order (no deadlocks between transfers
//! that touch the same accounts in different directions); a balance the rules keep
//! non-negative is checked under that lock, and the database's check constraint is the
//! backstop. A transfer's idempotency key is unique per platform: repeating it returns the
//! first transfer and changes nothing.

pub mod history;
pub mod holds;
pub mod reconcile;

use sea_orm::{ConnectionTrait, DbBackend, DbErr, EntityTrait, FromQueryResult, Statement, Value};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

pub use crate::entities::{ledger_accounts::AccountKind, ledger_transfers::TransferKind};
use crate::{entities::ledger_transfers, error::TokensError};

/// An account by what it is, not by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Account {
    /// Kind.
    pub kind: AccountKind,
    /// Owner (a user) for user and mentor accounts.
    pub owner: Option<Uuid>,
}

impl Account {
    /// A user's available tokens.
    pub fn available(user: Uuid) -> Self {
        Self {
            kind: AccountKind::UserAvailable,
            owner: Some(user),
        }
    }
    /// A user's held tokens.
    pub fn held(user: Uuid) -> Self {
        Self {
            kind: AccountKind::UserHeld,
            owner: Some(user),
        }
    }
    /// A mentor's earnings.
    pub fn earnings(mentor: Uuid) -> Self {
        Self {
            kind: AccountKind::MentorEarnings,
            owner: Some(mentor),
        }
    }
    /// A platform account.
    pub fn platform(kind: AccountKind) -> Self {
        Self { kind, owner: None }
    }
}

/// A transfer to write.
#[derive(Debug, Clone)]
pub struct NewTransfer<'a> {
    /// Platform.
    pub platform_id: Uuid,
    /// Unique per platform.
    pub key: &'a str,
    /// What it is.
    pub kind: TransferKind,
    /// From.
    pub from: Account,
    /// To.
    pub to: Account,
    /// Tokens, > 0.
    pub amount: i64,
    /// The hold it belongs to.
    pub hold_id: Option<Uuid>,
    /// Why.
    pub reason: &'a str,
    /// Anything else.
    pub metadata: serde_json::Value,
    /// Who asked.
    pub created_by: Option<Uuid>,
}

/// The outcome of [`transfer`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posted {
    /// The transfer (the first one, on a repeat).
    pub transfer: ledger_transfers::Model,
    /// Whether this call wrote it (false: the key had been used, nothing changed).
    pub created: bool,
}

/// The id of an account, creating it on first use.
pub async fn account_id<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    account: Account,
) -> Result<Uuid, DbErr> {
    #[derive(FromQueryResult)]
    struct Id {
        id: Uuid,
    }
    let kind = account.kind.as_str();
    let (conflict, owner): (&str, Value) = match account.owner {
        Some(owner) => (
            "(platform_id, kind, owner_id) WHERE owner_id IS NOT NULL",
            owner.into(),
        ),
        None => (
            "(platform_id, kind) WHERE owner_id IS NULL",
            Value::Uuid(None),
        ),
    };
    let sql = format!(
        "WITH ins AS (
            INSERT INTO ledger_accounts (id, platform_id, kind, owner_id, allow_negative)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT {conflict} DO NOTHING
            RETURNING id)
         SELECT id FROM ins
         UNION ALL
         SELECT id FROM ledger_accounts
          WHERE platform_id = $2 AND kind = $3 AND owner_id IS NOT DISTINCT FROM $4
         LIMIT 1"
    );
    let row = Id::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        sql,
        [
            kernel::ids::new_id().into(),
            platform_id.into(),
            kind.into(),
            owner,
            account.kind.allow_negative().into(),
        ],
    ))
    .one(conn)
    .await?;
    match row {
        Some(r) => Ok(r.id),
        // the conflicting insert committed after this statement's snapshot: read again
        None => Id::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT id FROM ledger_accounts
              WHERE platform_id = $1 AND kind = $2 AND owner_id IS NOT DISTINCT FROM $3",
            [
                platform_id.into(),
                kind.into(),
                account.owner.map_or(Value::Uuid(None), Into::into),
            ],
        ))
        .one(conn)
        .await?
        .map(|r| r.id)
        .ok_or_else(|| DbErr::RecordNotFound(format!("ledger account {kind}"))),
    }
}

#[derive(Debug, FromQueryResult)]
struct Locked {
    id: Uuid,
    balance: i64,
    allow_negative: bool,
}

/// Writes a transfer and moves the two balances, in `conn`'s transaction. A repeat of the
/// key returns the first transfer (it must describe the same movement, else
/// [`TokensError::IdempotencyKeyReused`]).
pub async fn transfer<C: ConnectionTrait>(
    conn: &C,
    t: NewTransfer<'_>,
) -> Result<Posted, TokensError> {
    if t.amount <= 0 {
        return Err(TokensError::Invalid {
            field: "amount",
            message: "must be a positive number of tokens".into(),
        });
    }
    let from = account_id(conn, t.platform_id, t.from).await?;
    let to = account_id(conn, t.platform_id, t.to).await?;
    // lock both rows in id order
    let locked = Locked::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT id, balance, allow_negative FROM ledger_accounts
          WHERE id = ANY($1) ORDER BY id FOR UPDATE",
        [vec![from, to].into()],
    ))
    .all(conn)
    .await?;
    if let Some(existing) = find_by_key(conn, t.platform_id, t.key).await? {
        return replay(existing, from, to, &t);
    }
    let debit = locked
        .iter()
        .find(|a| a.id == from)
        .ok_or_else(|| DbErr::RecordNotFound("debit account".into()))?;
    if !debit.allow_negative && debit.balance < t.amount {
        return Err(TokensError::Insufficient {
            account: t.from.kind.as_str(),
            available: debit.balance,
            needed: t.amount,
        });
    }
    let id = kernel::ids::new_id();
    let inserted = conn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO ledger_transfers
                (id, platform_id, idempotency_key, kind, debit_account, credit_account, amount,
                 hold_id, reason, metadata, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             ON CONFLICT (platform_id, idempotency_key) DO NOTHING",
            [
                id.into(),
                t.platform_id.into(),
                t.key.into(),
                t.kind.as_str().into(),
                from.into(),
                to.into(),
                t.amount.into(),
                t.hold_id.map_or(Value::Uuid(None), Into::into),
                t.reason.into(),
                t.metadata.clone().into(),
                t.created_by.map_or(Value::Uuid(None), Into::into),
            ],
        ))
        .await?;
    if inserted.rows_affected() == 0 {
        // a concurrent request with the same key committed first
        let existing = find_by_key(conn, t.platform_id, t.key)
            .await?
            .ok_or_else(|| DbErr::RecordNotFound("transfer by key".into()))?;
        return replay(existing, from, to, &t);
    }
    for (account, delta) in [(from, -t.amount), (to, t.amount)] {
        conn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE ledger_accounts SET balance = balance + $2, updated_at = now() WHERE id = $1",
            [account.into(), delta.into()],
        ))
        .await?;
    }
    let transfer = ledger_transfers::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("transfer just written".into()))?;
    Ok(Posted {
        transfer,
        created: true,
    })
}

pub(crate) async fn find_by_key<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    key: &str,
) -> Result<Option<ledger_transfers::Model>, DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter};
    ledger_transfers::Entity::find()
        .filter(ledger_transfers::Column::PlatformId.eq(platform_id))
        .filter(ledger_transfers::Column::IdempotencyKey.eq(key))
        .one(conn)
        .await
}

fn replay(
    existing: ledger_transfers::Model,
    from: Uuid,
    to: Uuid,
    t: &NewTransfer<'_>,
) -> Result<Posted, TokensError> {
    let same = existing.debit_account == from
        && existing.credit_account == to
        && existing.amount == t.amount
        && existing.kind == t.kind;
    if same {
        Ok(Posted {
            transfer: existing,
            created: false,
        })
    } else {
        Err(TokensError::IdempotencyKeyReused)
    }
}

/// A user's balances.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
pub struct Balance {
    /// Spendable tokens.
    pub available: i64,
    /// Tokens held for bookings.
    pub held: i64,
}

/// The balances of `user` (zero before any transfer).
pub async fn balance<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user: Uuid,
) -> Result<Balance, DbErr> {
    #[derive(FromQueryResult)]
    struct Row {
        kind: AccountKind,
        balance: i64,
    }
    let rows = Row::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT kind, balance FROM ledger_accounts
          WHERE platform_id = $1 AND owner_id = $2 AND kind IN ('user_available', 'user_held')",
        [platform_id.into(), user.into()],
    ))
    .all(conn)
    .await?;
    let mut b = Balance::default();
    for r in rows {
        match r.kind {
            AccountKind::UserAvailable => b.available = r.balance,
            _ => b.held = r.balance,
        }
    }
    Ok(b)
}

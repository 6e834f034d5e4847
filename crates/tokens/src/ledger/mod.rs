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

use std::sync::LazyLock;

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
pub(crate) struct Locked {
    pub(crate) id: Uuid,
    kind: AccountKind,
    owner_id: Option<Uuid>,
    balance: i64,
    allow_negative: bool,
}

impl Locked {
    fn is(&self, a: Account) -> bool {
        self.kind == a.kind && self.owner_id == a.owner
    }
}

/// Finds the two accounts of a transfer and locks them in id order, in one statement; an
/// account used for the first time is created first (then the statement runs again).
async fn lock_pair<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    from: Account,
    to: Account,
) -> Result<(Locked, Locked), DbErr> {
    let mut values: Vec<Value> = vec![platform_id.into()];
    let mut matches = Vec::with_capacity(2);
    for a in [from, to] {
        values.push(a.kind.as_str().into());
        let kind = values.len();
        match a.owner {
            Some(owner) => {
                values.push(owner.into());
                matches.push(format!("(kind = ${kind} AND owner_id = ${})", kind + 1));
            }
            None => matches.push(format!("(kind = ${kind} AND owner_id IS NULL)")),
        }
    }
    let sql = format!(
        "SELECT id, kind, owner_id, balance, allow_negative FROM ledger_accounts
          WHERE platform_id = $1 AND ({}) ORDER BY id FOR UPDATE",
        matches.join(" OR ")
    );
    let stmt = Statement::from_sql_and_values(DbBackend::Postgres, sql, values);
    let mut created = false;
    loop {
        let (mut debit, mut credit) = (None, None);
        for row in Locked::find_by_statement(stmt.clone()).all(conn).await? {
            if row.is(from) {
                debit = Some(row);
            } else if row.is(to) {
                credit = Some(row);
            }
        }
        match (debit, credit) {
            (Some(debit), Some(credit)) => return Ok((debit, credit)),
            _ if created => return Err(DbErr::RecordNotFound("ledger account".into())),
            (debit, credit) => {
                for (found, account) in [(debit.is_some(), from), (credit.is_some(), to)] {
                    if !found {
                        account_id(conn, platform_id, account).await?;
                    }
                }
                created = true;
            }
        }
    }
}

/// Writes a transfer and moves the two balances, in `conn`'s transaction: two statements
/// (the accounts found and locked; the transfer inserted with both balances moved). A repeat
/// of the key returns the first transfer (it must describe the same movement, else
/// [`TokensError::IdempotencyKeyReused`]).
pub async fn transfer<C: ConnectionTrait>(
    conn: &C,
    t: NewTransfer<'_>,
) -> Result<Posted, TokensError> {
    let (debit, credit) = lock_checked(conn, &t).await?;
    if let Some(short) = shortfall(&debit, &t) {
        // a repeat of a transfer that was made is still answered with it
        if let Some(existing) = find_by_key(conn, t.platform_id, t.key).await? {
            return replay(existing, debit.id, credit.id, &t);
        }
        return Err(short);
    }
    // the balances move only when the transfer row was written (a used key writes nothing)
    let written = ledger_transfers::Model::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        TRANSFER.as_str(),
        transfer_values(&t, debit.id, credit.id),
    ))
    .one(conn)
    .await?;
    match written {
        Some(transfer) => Ok(Posted {
            transfer,
            created: true,
        }),
        None => {
            // the key was used (by an earlier or a concurrent request that committed first)
            let existing = find_by_key(conn, t.platform_id, t.key)
                .await?
                .ok_or_else(|| DbErr::RecordNotFound("transfer by key".into()))?;
            replay(existing, debit.id, credit.id, &t)
        }
    }
}

/// [`TokensError::Invalid`] (`amount`) unless `amount` is a positive number of tokens.
pub(crate) fn positive(amount: i64) -> Result<(), TokensError> {
    if amount <= 0 {
        return Err(TokensError::Invalid {
            field: "amount",
            message: "must be a positive number of tokens".into(),
        });
    }
    Ok(())
}

/// Checks `t`'s amount and accounts and locks both accounts (see [`lock_pair`]).
pub(crate) async fn lock_checked<C: ConnectionTrait>(
    conn: &C,
    t: &NewTransfer<'_>,
) -> Result<(Locked, Locked), TokensError> {
    positive(t.amount)?;
    if t.from == t.to {
        return Err(TokensError::Invalid {
            field: "to",
            message: "a transfer needs two different accounts".into(),
        });
    }
    Ok(lock_pair(conn, t.platform_id, t.from, t.to).await?)
}

/// [`TokensError::Insufficient`] when the locked `debit` cannot pay `t`.
pub(crate) fn shortfall(debit: &Locked, t: &NewTransfer<'_>) -> Option<TokensError> {
    (!debit.allow_negative && debit.balance < t.amount).then(|| TokensError::Insufficient {
        account: t.from.kind.as_str(),
        available: debit.balance,
        needed: t.amount,
    })
}

/// A transfer ([`transfer_values`]) written unless its key was used, with both balances moved.
static TRANSFER: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH ins AS ({}), moved AS ({MOVE_BALANCES}) SELECT * FROM ins",
        insert_transfer("VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
    )
});

/// `INSERT INTO ledger_transfers` of the row `source` gives (`VALUES (...)` or a `SELECT`),
/// with [`transfer_values`] as `$1`-`$11`; a used key inserts nothing.
pub(crate) fn insert_transfer(source: &str) -> String {
    format!(
        "INSERT INTO ledger_transfers
            (id, platform_id, idempotency_key, kind, debit_account, credit_account, amount,
             hold_id, reason, metadata, created_by)
         {source}
         ON CONFLICT (platform_id, idempotency_key) DO NOTHING
         RETURNING *"
    )
}

/// Moves both balances of the transfer a CTE named `ins` wrote (none when it wrote nothing).
pub(crate) const MOVE_BALANCES: &str = "UPDATE ledger_accounts a
       SET balance = a.balance + CASE WHEN a.id = ins.debit_account
                                      THEN -ins.amount ELSE ins.amount END,
           updated_at = now()
      FROM ins
     WHERE a.id IN (ins.debit_account, ins.credit_account)";

/// `$1`-`$11` of [`insert_transfer`].
pub(crate) fn transfer_values(t: &NewTransfer<'_>, debit: Uuid, credit: Uuid) -> Vec<Value> {
    vec![
        kernel::ids::new_id().into(),
        t.platform_id.into(),
        t.key.into(),
        t.kind.as_str().into(),
        debit.into(),
        credit.into(),
        t.amount.into(),
        t.hold_id.map_or(Value::Uuid(None), Into::into),
        t.reason.into(),
        t.metadata.clone().into(),
        t.created_by.map_or(Value::Uuid(None), Into::into),
    ]
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

pub(crate) fn replay(
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

//! Reconciliation: proves that every account's kept balance equals the sum of its transfers
//! (credits minus debits), that the platform's ledger sums to zero, that no account the rules
//! keep non-negative is below zero, and that every user's held balance equals their pending
//! holds.

use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, FromQueryResult,
    IsolationLevel, Statement, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::AccountKind;

/// An account whose kept balance disagrees with its transfers (or with its rules).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, FromQueryResult)]
pub struct Disagreement {
    /// Account id.
    pub account_id: Uuid,
    /// Kind.
    pub kind: AccountKind,
    /// Owner.
    pub owner_id: Option<Uuid>,
    /// The balance in the row.
    pub balance: i64,
    /// Credits minus debits.
    pub derived: i64,
    /// Pending holds (held accounts only).
    pub pending_holds: Option<i64>,
}

/// The outcome of a reconciliation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Reconciliation {
    /// Everything agrees.
    pub ok: bool,
    /// Accounts checked.
    pub accounts_checked: u64,
    /// Sum of all balances (zero in a sound double-entry ledger).
    pub ledger_sum: i64,
    /// Accounts that disagree.
    pub disagreements: Vec<Disagreement>,
}

/// [`reconcile`] in one consistent snapshot of balances and transfers (a read-only,
/// repeatable-read transaction), as the admin endpoint runs it.
pub async fn reconcile_snapshot(
    db: &DatabaseConnection,
    platform_id: Uuid,
) -> Result<Reconciliation, DbErr> {
    let txn = db
        .begin_with_config(
            Some(IsolationLevel::RepeatableRead),
            Some(AccessMode::ReadOnly),
        )
        .await?;
    let result = reconcile(&txn, platform_id).await?;
    txn.commit().await?;
    Ok(result)
}

/// Reconciles one platform's ledger (in one snapshot when `conn` is a repeatable-read
/// transaction; [`reconcile_snapshot`] opens one).
pub async fn reconcile<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
) -> Result<Reconciliation, DbErr> {
    #[derive(FromQueryResult)]
    struct Totals {
        accounts: i64,
        ledger_sum: i64,
    }
    let derived = "
        WITH flows AS (
            SELECT credit_account AS account, amount FROM ledger_transfers WHERE platform_id = $1
            UNION ALL
            SELECT debit_account, -amount FROM ledger_transfers WHERE platform_id = $1),
        derived AS (SELECT account, sum(amount)::bigint AS derived FROM flows GROUP BY account),
        holds AS (
            SELECT user_id, sum(amount)::bigint AS pending FROM ledger_holds
             WHERE platform_id = $1 AND status = 'pending' GROUP BY user_id)
        SELECT a.id AS account_id, a.kind, a.owner_id, a.balance,
               coalesce(d.derived, 0) AS derived,
               CASE WHEN a.kind = 'user_held' THEN coalesce(h.pending, 0) END AS pending_holds
          FROM ledger_accounts a
          LEFT JOIN derived d ON d.account = a.id
          LEFT JOIN holds h ON a.kind = 'user_held' AND h.user_id = a.owner_id
         WHERE a.platform_id = $1";
    let disagreements = Disagreement::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT * FROM ({derived}) r
              WHERE r.balance <> r.derived
                 OR (r.pending_holds IS NOT NULL AND r.pending_holds <> r.balance)
                 OR (r.balance < 0 AND r.kind NOT IN ('platform_purchases', 'platform_grants'))
              ORDER BY r.account_id"
        ),
        [platform_id.into()],
    ))
    .all(conn)
    .await?;
    let totals = Totals::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT (SELECT count(*) FROM ledger_accounts WHERE platform_id = $1) AS accounts,
                (SELECT coalesce(sum(balance), 0)::bigint FROM ledger_accounts WHERE platform_id = $1) AS ledger_sum",
        [platform_id.into()],
    ))
    .one(conn)
    .await?
    .ok_or_else(|| DbErr::RecordNotFound("reconciliation totals".into()))?;
    Ok(Reconciliation {
        ok: disagreements.is_empty() && totals.ledger_sum == 0,
        accounts_checked: u64::try_from(totals.accounts).unwrap_or_default(),
        ledger_sum: totals.ledger_sum,
        disagreements,
    })
}

//! A user's token history: one line per change of their available or held balance, newest
//! first, keyset-paginated on (time, transfer, account).

use chrono::{DateTime, Utc};
use kernel::pagination::Page;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement, Value};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::TransferKind;
use crate::dto::HistoryLine;

#[derive(Debug, FromQueryResult)]
struct LineRow {
    transfer_id: Uuid,
    kind: TransferKind,
    account: String,
    amount: i64,
    reason: String,
    metadata: serde_json::Value,
    created_at: DateTime<Utc>,
}

/// Keyset of the history: newest first, then transfer id, then account (`available` or
/// `held`); the cursor of a page.
#[derive(Debug, Serialize, Deserialize)]
pub struct After(DateTime<Utc>, Uuid, String);

/// A page of `user`'s history: at most `limit` lines after `after`.
pub async fn page<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user: Uuid,
    limit: u64,
    after: Option<After>,
) -> Result<Page<HistoryLine>, DbErr> {
    let (at, id, account) = match after {
        Some(After(at, id, account)) => (Some(at), Some(id), Some(account)),
        None => (None, None, None),
    };
    let rows = LineRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT t.id AS transfer_id, t.kind,
                CASE a.kind WHEN 'user_available' THEN 'available' ELSE 'held' END AS account,
                CASE WHEN t.credit_account = a.id THEN t.amount ELSE -t.amount END AS amount,
                t.reason, t.metadata, t.created_at
           FROM ledger_accounts a
           JOIN ledger_transfers t ON a.id IN (t.debit_account, t.credit_account)
          WHERE a.platform_id = $1 AND a.owner_id = $2
            AND a.kind IN ('user_available', 'user_held')
            AND ($3::timestamptz IS NULL OR (t.created_at, t.id, a.kind) < ($3, $4, $5))
          ORDER BY t.created_at DESC, t.id DESC, a.kind DESC
          LIMIT $6",
        [
            platform_id.into(),
            user.into(),
            at.map_or(Value::ChronoDateTimeUtc(None), Into::into),
            id.map_or(Value::Uuid(None), Into::into),
            account
                .map(|a| {
                    if a == "available" {
                        "user_available"
                    } else {
                        "user_held"
                    }
                })
                .unwrap_or_default()
                .into(),
            i64::try_from(limit + 1).unwrap_or(i64::MAX).into(),
        ],
    ))
    .all(conn)
    .await?;
    let page = Page::from_rows(rows, limit, |r| {
        After(r.created_at, r.transfer_id, r.account.clone())
    });
    Ok(page.map(|r| HistoryLine {
        transfer_id: r.transfer_id,
        kind: r.kind,
        account: r.account,
        amount: r.amount,
        reason: r.reason,
        metadata: r.metadata,
        created_at: r.created_at,
    }))
}

//! Mentor payouts in finance: tokens decides them (FINANCE or ADMIN, never on their own
//! payout: tokens' 403 `own_payout`) and publishes `payout.changed`; finance keeps a copy
//! (`finance_payouts`, the status only moving forward whatever order the events arrive in),
//! reports the outstanding ones and posts a paid one to its ledger once (`payouts` (+) against
//! `bank` (-), `source_key = payout:<id>`). See ADR 0069.

use chrono::NaiveDate;
use chrono::{DateTime, Utc};
use kernel::Tenant;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, TransactionTrait};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    FinanceError,
    dto::costs::{PayoutRow, PayoutsReport},
    service::{
        costs::entry,
        reports::period,
        tabular::{Cell, Table},
    },
};

/// `payout.changed` as finance reads it (published by tokens; finance does not depend on
/// tokens, so it reads the event's documented fields).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutChanged {
    /// The payout.
    pub payout_id: Uuid,
    /// The mentor.
    pub mentor_id: Uuid,
    /// The platform's id.
    pub platform_id: Uuid,
    /// `requested`, `approved`, `rejected` or `paid`.
    pub status: String,
    /// Tokens.
    pub tokens: i64,
    /// Their value in paise.
    pub value_paise: i64,
    /// When.
    pub at: DateTime<Utc>,
}

impl jobs::EventSpec for PayoutChanged {
    const NAME: &'static str = "payout.changed";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// Applies one `payout.changed`: the copy moves forward (a late `requested` after `paid`
/// changes nothing), and a payout seen paid for the first time is posted to the ledger.
/// An unknown status or a non-positive amount is [`FinanceError::Invalid`] (permanent).
pub async fn apply(
    db: &DatabaseConnection,
    tenant: &Tenant,
    e: &PayoutChanged,
) -> Result<(), FinanceError> {
    if !matches!(
        e.status.as_str(),
        "requested" | "approved" | "rejected" | "paid"
    ) {
        return Err(FinanceError::Invalid(
            "status",
            format!("unknown payout status {:?}", e.status),
        ));
    }
    if e.tokens <= 0 || e.value_paise < 0 {
        return Err(FinanceError::Invalid("tokens", "must be positive".into()));
    }
    let settled = matches!(e.status.as_str(), "rejected" | "paid").then_some(e.at);
    let txn = db.begin().await?;
    // The row first, then the lock: a payout seen for the first time is inserted (the
    // primary key makes a concurrent first delivery wait for this transaction and then find
    // the row), so exactly one delivery books it from nothing; any other locks the committed
    // copy and moves it forward from there. (Reading first and inserting after would let two
    // deliveries of a new payout both read "nothing" and both post.)
    let inserted = txn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO finance_payouts
                (payout_id, platform_id, mentor_id, status, tokens, value_paise, requested_at, settled_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7)
             ON CONFLICT (payout_id) DO NOTHING",
            [
                e.payout_id.into(),
                tenant.id.into(),
                e.mentor_id.into(),
                e.status.clone().into(),
                e.tokens.into(),
                e.value_paise.into(),
                e.at.into(),
                settled.into(),
            ],
        ))
        .await?
        .rows_affected()
        == 1;
    let prev = if inserted {
        None
    } else {
        // the copy as it was (locked): what was accrued, and whether this event moves it forward
        let Some(prev) = txn
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT status, value_paise FROM finance_payouts
                  WHERE payout_id = $1 AND platform_id = $2 FOR UPDATE",
                [e.payout_id.into(), tenant.id.into()],
            ))
            .await?
            .map(|r| -> Result<(String, i64), FinanceError> {
                Ok((r.try_get("", "status")?, r.try_get("", "value_paise")?))
            })
            .transpose()?
        else {
            // the payout id is another platform's: not this platform's to book
            tracing::warn!(payout_id = %e.payout_id, platform_id = %tenant.id,
                "payout.changed for a payout of another platform: ignored");
            txn.commit().await?;
            return Ok(());
        };
        if rank(&e.status) > rank(&prev.0) {
            txn.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE finance_payouts
                    SET status = $3, value_paise = $4, settled_at = $5, updated_at = $6
                  WHERE payout_id = $1 AND platform_id = $2",
                [
                    e.payout_id.into(),
                    tenant.id.into(),
                    e.status.clone().into(),
                    e.value_paise.into(),
                    settled.into(),
                    e.at.into(),
                ],
            ))
            .await?;
        }
        Some(prev)
    };
    post(&txn, tenant.id, prev, e).await?;
    txn.commit().await?;
    Ok(())
}

fn rank(status: &str) -> u8 {
    match status {
        "requested" => 0,
        "approved" => 1,
        _ => 2,
    }
}

/// The ledger of a move from `prev` to `e.status`, each step once (`source_key`):
/// approved accrues what is owed (`payouts` + / `payables` -: the outstanding payouts are the
/// `payables` of `payout-accrued:` keys); paid pays it (`payables` + / `bank` -, and
/// `payouts` for a value that changed since the approval); rejected after an approval
/// reverses the accrual. Paid without a known approval accrues and pays at once.
async fn post<C: ConnectionTrait>(
    txn: &C,
    platform_id: Uuid,
    prev: Option<(String, i64)>,
    e: &PayoutChanged,
) -> Result<(), FinanceError> {
    let (prev_status, prev_value) = prev.unwrap_or_else(|| ("requested".into(), 0));
    if rank(&e.status) <= rank(&prev_status) {
        return Ok(());
    }
    let id = e.payout_id;
    let memo = format!("mentor payout {id}");
    let accrued = if prev_status == "approved" {
        prev_value
    } else {
        0
    };
    let pairs: Vec<(String, Vec<(&str, i64)>)> = match e.status.as_str() {
        "approved" => vec![(
            format!("payout-accrued:{id}"),
            vec![("payouts", e.value_paise), ("payables", -e.value_paise)],
        )],
        "paid" => vec![(
            format!("payout-paid:{id}"),
            vec![
                ("payouts", e.value_paise - accrued),
                ("payables", accrued),
                ("bank", -e.value_paise),
            ],
        )],
        "rejected" if accrued > 0 => vec![(
            format!("payout-reversed:{id}"),
            vec![("payouts", -accrued), ("payables", accrued)],
        )],
        _ => Vec::new(),
    };
    for (key, entries) in pairs {
        for (account, amount) in entries.into_iter().filter(|(_, a)| *a != 0) {
            entry(txn, platform_id, account, amount, None, Some(&key), &memo).await?;
        }
    }
    Ok(())
}

fn row(r: &sea_orm::QueryResult) -> Result<PayoutRow, FinanceError> {
    Ok(PayoutRow {
        payout_id: r.try_get("", "payout_id")?,
        mentor_id: r.try_get("", "mentor_id")?,
        status: r.try_get("", "status")?,
        tokens: r.try_get("", "tokens")?,
        value_paise: r.try_get("", "value_paise")?,
        requested_at: r.try_get("", "requested_at")?,
        settled_at: r.try_get("", "settled_at")?,
    })
}

/// The payouts report: outstanding now, paid in `from..=to` (IST days).
pub async fn report<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<PayoutsReport, FinanceError> {
    let (start, end) = period(from, to)?;
    let cols = "payout_id, mentor_id, status, tokens, value_paise, requested_at, settled_at";
    let outstanding = conn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "SELECT {cols} FROM finance_payouts
                  WHERE platform_id = $1 AND status IN ('requested', 'approved')
                  ORDER BY requested_at, payout_id"
            ),
            [platform_id.into()],
        ))
        .await?
        .iter()
        .map(row)
        .collect::<Result<Vec<_>, _>>()?;
    let paid = conn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "SELECT {cols} FROM finance_payouts
                  WHERE platform_id = $1 AND status = 'paid' AND settled_at >= $2 AND settled_at < $3
                  ORDER BY settled_at, payout_id"
            ),
            [platform_id.into(), start.into(), end.into()],
        ))
        .await?
        .iter()
        .map(row)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(PayoutsReport {
        from,
        to,
        outstanding_paise: outstanding.iter().map(|p| p.value_paise).sum(),
        paid_paise: paid.iter().map(|p| p.value_paise).sum(),
        outstanding,
        paid,
    })
}

/// The report as tables (`outstanding`, `paid`).
pub fn tables(r: &PayoutsReport) -> Vec<Table> {
    let columns = vec![
        "payout_id",
        "mentor_id",
        "status",
        "tokens",
        "value_paise",
        "requested_at",
        "settled_at",
    ];
    let rows = |rows: &[PayoutRow]| {
        rows.iter()
            .map(|p| {
                vec![
                    Cell::from(p.payout_id.to_string()),
                    Cell::from(p.mentor_id.to_string()),
                    Cell::from(p.status.as_str()),
                    p.tokens.into(),
                    p.value_paise.into(),
                    Cell::from(p.requested_at.to_rfc3339()),
                    Cell::from(p.settled_at.map(|t| t.to_rfc3339()).unwrap_or_default()),
                ]
            })
            .collect()
    };
    vec![
        Table {
            name: "outstanding",
            columns: columns.clone(),
            rows: rows(&r.outstanding),
        },
        Table {
            name: "paid",
            columns,
            rows: rows(&r.paid),
        },
    ]
}

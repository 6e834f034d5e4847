//! Razorpay settlement reconciliation (ADR 0070). Razorpay's settlement report of a day
//! (`Razorpay::settlement_recon`) is matched line by line: a payment to its invoice (same
//! payment id, same amount), a refund to our refund row and its credit note. A matched line
//! is posted to the finance ledger once (`source_key = settle:<entity id>`): for a payment,
//! the bank gets the amount less Razorpay's fee, the fee less its GST goes to `fees`, the GST
//! to `input_gst` (input tax credit) and the receivable is cleared; for a refund, the refund
//! owed is cleared against the bank. Every line is stored once (keyed by Razorpay's entity id)
//! with its status, so running a day again changes nothing and the report lists what did not
//! match. A refund line that is one of our refunds left `pending` without Razorpay's id (a
//! crash between Razorpay's answer and the credit note) closes it: the id, `processed`, the
//! credit note.

use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use integrations::razorpay::{Razorpay, ReconItem};
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    FinanceError,
    service::{
        costs::entry,
        reports::period,
        tabular::{Cell, Table},
    },
};

/// What reconciling a day did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Reconciled {
    /// Lines in Razorpay's report.
    pub lines: usize,
    /// Lines stored now (the rest were stored by an earlier run).
    pub new: usize,
    /// Matched now.
    pub matched: usize,
    /// Found, but the amount or the credit note disagrees.
    pub mismatched: usize,
    /// Matched nothing of ours.
    pub unmatched: usize,
}

/// A line as matched.
struct Match {
    status: &'static str,
    platform_id: Option<Uuid>,
    invoice_id: Option<Uuid>,
    refund_id: Option<Uuid>,
    note: String,
}

impl Match {
    fn unmatched(note: impl Into<String>) -> Self {
        Self {
            status: "unmatched",
            platform_id: None,
            invoice_id: None,
            refund_id: None,
            note: note.into(),
        }
    }
}

async fn match_line<C: ConnectionTrait>(conn: &C, item: &ReconItem) -> Result<Match, FinanceError> {
    let amount = item.amount.unwrap_or(0);
    match item.kind.as_str() {
        "payment" => {
            let row = conn
                .query_one_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT id, platform_id, total_paise FROM invoices WHERE razorpay_payment_id = $1",
                    [item.entity_id.clone().into()],
                ))
                .await?;
            let Some(r) = row else {
                return Ok(Match::unmatched("no invoice for this payment"));
            };
            let total: i64 = r.try_get("", "total_paise")?;
            let (status, note) = if total == amount {
                ("matched", String::new())
            } else {
                (
                    "mismatch",
                    format!("settled {amount} paise, invoiced {total}"),
                )
            };
            Ok(Match {
                status,
                platform_id: Some(r.try_get("", "platform_id")?),
                invoice_id: Some(r.try_get("", "id")?),
                refund_id: None,
                note,
            })
        }
        "refund" => {
            let row = conn
                .query_one_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT r.id, r.platform_id, r.invoice_id, r.amount_paise,
                            EXISTS (SELECT 1 FROM credit_notes c WHERE c.refund_id = r.id) AS noted
                       FROM refunds r WHERE r.razorpay_refund_id = $1",
                    [item.entity_id.clone().into()],
                ))
                .await?;
            let Some(r) = row else {
                return Ok(Match::unmatched("no refund recorded"));
            };
            let refunded: i64 = r.try_get("", "amount_paise")?;
            let noted: bool = r.try_get("", "noted")?;
            let (status, note) = if !noted {
                ("mismatch", "no credit note for this refund".to_owned())
            } else if refunded != amount {
                (
                    "mismatch",
                    format!("settled {amount} paise, refunded {refunded}"),
                )
            } else {
                ("matched", String::new())
            };
            Ok(Match {
                status,
                platform_id: Some(r.try_get("", "platform_id")?),
                invoice_id: Some(r.try_get("", "invoice_id")?),
                refund_id: Some(r.try_get("", "id")?),
                note,
            })
        }
        other => Ok(Match::unmatched(format!("{other} line"))),
    }
}

/// Stores and posts one line; `None` when an earlier run stored it.
/// A refund of ours left `pending` without Razorpay's id (the process stopped between
/// Razorpay's answer and the credit note, ADR 0055) that this refund line is: same payment,
/// same amount, the oldest such. It gets Razorpay's id, becomes `processed` and gets its
/// credit note now, under the invoice's lock, in the line's transaction.
async fn recover_pending(
    ctx: &kernel::AppContext,
    txn: &sea_orm::DatabaseTransaction,
    config: &crate::FinanceConfig,
    item: &ReconItem,
) -> Result<bool, FinanceError> {
    use sea_orm::{EntityTrait, QueryFilter, QuerySelect, sea_query::LockType};

    use crate::entities::invoices;
    let (Some(payment_id), Some(amount)) = (item.payment_id.as_deref(), item.amount) else {
        return Ok(false);
    };
    let known = txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 FROM refunds WHERE razorpay_refund_id = $1",
            [item.entity_id.clone().into()],
        ))
        .await?;
    if known.is_some() {
        return Ok(false);
    }
    let Some(invoice) = invoices::Entity::find()
        .filter(sea_orm::ColumnTrait::eq(
            &invoices::Column::RazorpayPaymentId,
            payment_id,
        ))
        .lock(LockType::Update)
        .one(txn)
        .await?
    else {
        return Ok(false);
    };
    let Some(r) = txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT id, reason FROM refunds
              WHERE invoice_id = $1 AND status = 'pending' AND razorpay_refund_id IS NULL
                AND amount_paise = $2
                AND NOT EXISTS (SELECT 1 FROM credit_notes c WHERE c.refund_id = refunds.id)
              ORDER BY created_at, id LIMIT 1",
            [invoice.id.into(), amount.into()],
        ))
        .await?
    else {
        return Ok(false);
    };
    let refund_id: Uuid = r.try_get("", "id")?;
    let reason: String = r.try_get("", "reason")?;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE refunds SET razorpay_refund_id = $2, status = 'processed', processed_at = now()
          WHERE id = $1",
        [refund_id.into(), item.entity_id.clone().into()],
    ))
    .await?;
    let note = super::refunds::credit_note_in(
        txn,
        config,
        &invoice,
        refund_id,
        amount,
        &reason,
        Utc::now(),
    )
    .await?;
    let slug: String = txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT slug FROM platforms WHERE id = $1",
            [invoice.platform_id.into()],
        ))
        .await?
        .ok_or(FinanceError::NotFound("platform"))?
        .try_get("", "slug")?;
    let tenant = ctx.tenants.resolve(&ctx.db, Some(&slug)).await?;
    super::einvoices::prepare_credit_note_in(txn, config, &tenant, &invoice, &note).await?;
    tracing::warn!(refund_id = %refund_id, credit_note_id = %note.id,
        "a pending refund closed from Razorpay's settlement report");
    Ok(true)
}

async fn apply(
    ctx: &kernel::AppContext,
    config: &crate::FinanceConfig,
    item: &ReconItem,
    day: NaiveDate,
) -> Result<Option<&'static str>, FinanceError> {
    let db = &ctx.db;
    let txn = db.begin().await?;
    if item.kind == "refund" {
        recover_pending(ctx, &txn, config, item).await?;
    }
    let m = match_line(&txn, item).await?;
    let amount = item.amount.unwrap_or(0);
    let fee = item.fee.unwrap_or(0).max(0);
    let tax = item.tax.unwrap_or(0).clamp(0, fee);
    let settled_at = item
        .settled_at
        .and_then(|s| Utc.timestamp_opt(s, 0).single());
    let inserted = txn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO razorpay_settlement_items
                (entity_id, kind, platform_id, invoice_id, refund_id, payment_id, settlement_id,
                 amount_paise, fee_paise, tax_paise, settled_at, recon_day, status, note)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
             ON CONFLICT (entity_id) DO NOTHING",
            [
                item.entity_id.clone().into(),
                item.kind.chars().take(40).collect::<String>().into(),
                m.platform_id.into(),
                m.invoice_id.into(),
                m.refund_id.into(),
                item.payment_id.clone().into(),
                item.settlement_id.clone().into(),
                amount.into(),
                fee.into(),
                tax.into(),
                settled_at.into(),
                day.into(),
                m.status.into(),
                m.note.chars().take(300).collect::<String>().into(),
            ],
        ))
        .await?;
    if inserted.rows_affected() == 0 {
        txn.rollback().await?;
        return Ok(None);
    }
    if let (Some(platform), "matched") = (m.platform_id, m.status) {
        let key = format!("settle:{}", item.entity_id);
        let memo = format!(
            "Razorpay settlement {}",
            item.settlement_id.as_deref().unwrap_or("-")
        );
        let entries: Vec<(&str, i64)> = if item.kind == "payment" {
            vec![
                ("bank", amount - fee),
                ("fees", fee - tax),
                ("input_gst", tax),
                ("receivable", -amount),
            ]
        } else {
            vec![("refunds", amount), ("bank", -amount)]
        };
        for (account, value) in entries.into_iter().filter(|(_, v)| *v != 0) {
            entry(&txn, platform, account, value, None, Some(&key), &memo).await?;
        }
    }
    txn.commit().await?;
    Ok(Some(m.status))
}

/// Reconciles Razorpay's settlement report of `day` (idempotent).
pub async fn reconcile_day(
    ctx: &kernel::AppContext,
    config: &crate::FinanceConfig,
    razorpay: &Razorpay,
    day: NaiveDate,
) -> Result<Reconciled, FinanceError> {
    let items = razorpay
        .settlement_recon(day.year(), day.month(), day.day())
        .await
        .map_err(|e| FinanceError::App(e.into()))?;
    let mut done = Reconciled {
        lines: items.len(),
        ..Reconciled::default()
    };
    for item in &items {
        match apply(ctx, config, item, day).await? {
            None => {}
            Some(status) => {
                done.new += 1;
                match status {
                    "matched" => done.matched += 1,
                    "mismatch" => done.mismatched += 1,
                    _ => done.unmatched += 1,
                }
            }
        }
    }
    Ok(done)
}

/// A line that did not match, or an invoice not yet settled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OpenItem {
    /// Razorpay's entity id (`pay_...`, `rfnd_...`), or the invoice's payment id.
    pub entity_id: String,
    /// `payment`, `refund`, … or `invoice` for an invoice not settled.
    pub kind: String,
    /// `mismatch`, `unmatched` or `unsettled`.
    pub status: String,
    /// Paise.
    pub amount_paise: i64,
    /// What is wrong.
    pub note: String,
    /// The IST day of the settlement report (or of the invoice).
    pub day: NaiveDate,
}

/// The reconciliation of a period for one platform.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReconciliationReport {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// The platform's lines that matched.
    pub matched: i64,
    /// Razorpay's fees on them less GST, paise.
    pub fees_paise: i64,
    /// The GST on those fees (input tax credit), paise.
    pub fee_gst_paise: i64,
    /// The platform's lines that did not match, and its invoices of the period that no
    /// settlement line covers yet.
    pub open: Vec<OpenItem>,
    /// Lines of the period that matched no platform's documents (Razorpay's account is the
    /// deployment's, so they are counted, not shown).
    pub unattributed: i64,
}

/// The reconciliation report of `from..=to` (IST days) for the platform.
pub async fn report<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<ReconciliationReport, FinanceError> {
    let (start, end) = period(from, to)?;
    let sums = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT count(*) FILTER (WHERE status = 'matched' AND platform_id = $1) AS matched,
                    COALESCE(sum(fee_paise - tax_paise) FILTER (WHERE status = 'matched' AND platform_id = $1), 0)::bigint AS fees,
                    COALESCE(sum(tax_paise) FILTER (WHERE status = 'matched' AND platform_id = $1), 0)::bigint AS tax,
                    count(*) FILTER (WHERE platform_id IS NULL) AS unattributed
               FROM razorpay_settlement_items WHERE recon_day BETWEEN $2 AND $3",
            [platform_id.into(), from.into(), to.into()],
        ))
        .await?
        .ok_or_else(|| FinanceError::App(kernel::AppError::Unexpected(anyhow::anyhow!("no row"))))?;
    let mut open = Vec::new();
    for r in conn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT entity_id, kind, status, amount_paise, note, recon_day AS day
               FROM razorpay_settlement_items
              WHERE platform_id = $1 AND status <> 'matched' AND recon_day BETWEEN $2 AND $3
             UNION ALL
             SELECT i.razorpay_payment_id, 'invoice', 'unsettled', i.total_paise,
                    'no settlement line yet', (i.issued_at AT TIME ZONE 'Asia/Kolkata')::date
               FROM invoices i
              WHERE i.platform_id = $1 AND i.issued_at >= $4 AND i.issued_at < $5
                AND NOT EXISTS (SELECT 1 FROM razorpay_settlement_items s
                                 WHERE s.entity_id = i.razorpay_payment_id)
             ORDER BY day, entity_id",
            [
                platform_id.into(),
                from.into(),
                to.into(),
                start.into(),
                end.into(),
            ],
        ))
        .await?
    {
        open.push(OpenItem {
            entity_id: r.try_get("", "entity_id")?,
            kind: r.try_get("", "kind")?,
            status: r.try_get("", "status")?,
            amount_paise: r.try_get("", "amount_paise")?,
            note: r.try_get("", "note")?,
            day: r.try_get("", "day")?,
        });
    }
    Ok(ReconciliationReport {
        from,
        to,
        matched: sums.try_get("", "matched")?,
        fees_paise: sums.try_get("", "fees")?,
        fee_gst_paise: sums.try_get("", "tax")?,
        open,
        unattributed: sums.try_get("", "unattributed")?,
    })
}

/// The report as tables (`open`, `totals`).
pub fn tables(r: &ReconciliationReport) -> Vec<Table> {
    let columns = vec!["entity_id", "kind", "status", "amount_paise", "note", "day"];
    vec![
        Table {
            name: "open",
            columns: columns.clone(),
            rows: r
                .open
                .iter()
                .map(|o| {
                    vec![
                        Cell::from(o.entity_id.as_str()),
                        Cell::from(o.kind.as_str()),
                        Cell::from(o.status.as_str()),
                        o.amount_paise.into(),
                        Cell::from(o.note.as_str()),
                        Cell::from(o.day.to_string()),
                    ]
                })
                .collect(),
        },
        Table {
            name: "totals",
            columns,
            rows: [
                ("matched", r.matched),
                ("fees_paise", r.fees_paise),
                ("fee_gst_paise", r.fee_gst_paise),
                ("unattributed", r.unattributed),
            ]
            .into_iter()
            .map(|(k, v)| {
                vec![
                    Cell::from(k),
                    Cell::from(""),
                    Cell::from(""),
                    v.into(),
                    Cell::from(""),
                    Cell::from(""),
                ]
            })
            .collect(),
        },
    ]
}

//! The gapless counters: one row per supplier GSTIN, series and financial year, created on
//! first use and locked with `SELECT ... FOR UPDATE` inside the document's own transaction.
//! A rollback of that transaction rolls the counter back with it, so no number is lost; two
//! documents of the same series wait for each other on the row, so no number is given twice.
//! Platforms sharing a GSTIN and a series share its sequence (numbers are unique per GSTIN).

use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::{FinanceError, numbering};

/// Takes the next number of `series` in `fy` for `gstin` (the caller's transaction holds the
/// counter's row lock until it ends). Answers `(seq, number)`.
pub async fn next<C: ConnectionTrait>(
    txn: &C,
    gstin: &str,
    series: &str,
    fy: &str,
) -> Result<(i64, String), FinanceError> {
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO invoice_counters (supplier_gstin, series, fy, next_seq)
         VALUES ($1, $2, $3, 1) ON CONFLICT DO NOTHING",
        [gstin.into(), series.into(), fy.into()],
    ))
    .await?;
    let row = txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT next_seq FROM invoice_counters
              WHERE supplier_gstin = $1 AND series = $2 AND fy = $3 FOR UPDATE",
            [gstin.into(), series.into(), fy.into()],
        ))
        .await?
        .ok_or(FinanceError::NotFound("counter"))?;
    let seq: i64 = row.try_get("", "next_seq")?;
    let number = numbering::format(series, fy, seq)
        .ok_or_else(|| FinanceError::SeriesExhausted(series.to_owned()))?;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE invoice_counters SET next_seq = next_seq + 1, updated_at = now()
          WHERE supplier_gstin = $1 AND series = $2 AND fy = $3",
        [gstin.into(), series.into(), fy.into()],
    ))
    .await?;
    Ok((seq, number))
}

//! The sales report: invoices and credit notes of a period by IST day or month, summed from
//! the stored documents (like the GST report, nothing is recomputed), with the net and the
//! tax net of credit notes; JSON, CSV and XLSX.

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use uuid::Uuid;

use crate::{
    FinanceError,
    dto::costs::{SalesPeriod, SalesReport, SalesRow},
    service::{
        reports::period,
        tabular::{Cell, Table},
    },
};

/// The sales of `from..=to` (IST days) of the platform, by day or month.
pub async fn report<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    by: SalesPeriod,
) -> Result<SalesReport, FinanceError> {
    let (start, end) = period(from, to)?;
    let format = match by {
        SalesPeriod::Daily => "YYYY-MM-DD",
        SalesPeriod::Monthly => "YYYY-MM",
    };
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "WITH docs AS (
                SELECT to_char(issued_at AT TIME ZONE 'Asia/Kolkata', $4) AS k,
                       1 AS inv, 0 AS cn, total_paise AS invoiced, 0::bigint AS credited,
                       taxable_paise AS taxable, cgst_paise AS cgst, sgst_paise AS sgst, igst_paise AS igst
                  FROM invoices WHERE platform_id = $1 AND issued_at >= $2 AND issued_at < $3
                UNION ALL
                SELECT to_char(issued_at AT TIME ZONE 'Asia/Kolkata', $4),
                       0, 1, 0::bigint, total_paise,
                       -taxable_paise, -cgst_paise, -sgst_paise, -igst_paise
                  FROM credit_notes WHERE platform_id = $1 AND issued_at >= $2 AND issued_at < $3)
             SELECT k, sum(inv)::bigint AS invoices, sum(invoiced)::bigint AS invoiced,
                    sum(cn)::bigint AS credit_notes, sum(credited)::bigint AS credited,
                    sum(taxable)::bigint AS taxable, sum(cgst)::bigint AS cgst,
                    sum(sgst)::bigint AS sgst, sum(igst)::bigint AS igst
               FROM docs GROUP BY k ORDER BY k",
            [
                platform_id.into(),
                start.into(),
                end.into(),
                format.into(),
            ],
        ))
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    let mut totals = SalesRow {
        period: "total".into(),
        ..SalesRow::default()
    };
    for r in rows {
        let invoiced: i64 = r.try_get("", "invoiced")?;
        let credited: i64 = r.try_get("", "credited")?;
        let row = SalesRow {
            period: r.try_get("", "k")?,
            invoices: r.try_get("", "invoices")?,
            invoiced_paise: invoiced,
            credit_notes: r.try_get("", "credit_notes")?,
            credited_paise: credited,
            net_paise: invoiced - credited,
            taxable_paise: r.try_get("", "taxable")?,
            cgst_paise: r.try_get("", "cgst")?,
            sgst_paise: r.try_get("", "sgst")?,
            igst_paise: r.try_get("", "igst")?,
        };
        totals.invoices += row.invoices;
        totals.invoiced_paise += row.invoiced_paise;
        totals.credit_notes += row.credit_notes;
        totals.credited_paise += row.credited_paise;
        totals.net_paise += row.net_paise;
        totals.taxable_paise += row.taxable_paise;
        totals.cgst_paise += row.cgst_paise;
        totals.sgst_paise += row.sgst_paise;
        totals.igst_paise += row.igst_paise;
        out.push(row);
    }
    Ok(SalesReport {
        from,
        to,
        period: by,
        rows: out,
        totals,
    })
}

fn cells(r: &SalesRow) -> Vec<Cell> {
    vec![
        Cell::from(r.period.as_str()),
        r.invoices.into(),
        r.invoiced_paise.into(),
        r.credit_notes.into(),
        r.credited_paise.into(),
        r.net_paise.into(),
        r.taxable_paise.into(),
        r.cgst_paise.into(),
        r.sgst_paise.into(),
        r.igst_paise.into(),
    ]
}

/// The report as one table (`sales`: the rows, then the `total` row).
pub fn tables(s: &SalesReport) -> Vec<Table> {
    vec![Table {
        name: "sales",
        columns: vec![
            "period",
            "invoices",
            "invoiced_paise",
            "credit_notes",
            "credited_paise",
            "net_paise",
            "taxable_paise",
            "cgst_paise",
            "sgst_paise",
            "igst_paise",
        ],
        rows: s.rows.iter().chain([&s.totals]).map(cells).collect(),
    }]
}

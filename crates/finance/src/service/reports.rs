//! The GST report of a period (GSTR-1 shaped), summed from the stored documents only: a
//! rule change never rewrites a past month. Also its CSV and XLSX renderings.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Asia::Kolkata;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use uuid::Uuid;

use crate::{
    FinanceError,
    dto::reports::{GstReport, GstRow, GstTotals},
    tax,
};

fn ist_midnight(d: NaiveDate) -> Result<DateTime<Utc>, FinanceError> {
    Kolkata
        .from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
        .single()
        .map(|t| t.with_timezone(&Utc))
        .ok_or(FinanceError::Invalid("from", "is not a date".into()))
}

/// One document line as read back.
struct Line {
    document: String,
    original: Option<String>,
    at: DateTime<Utc>,
    gstin: Option<String>,
    pos: String,
    class: String,
    sac: String,
    rate_bp: i32,
    amounts: [i64; 5],
    /// The date of the invoice a credit note reduces.
    original_at: Option<DateTime<Utc>>,
}

async fn lines<C: ConnectionTrait>(
    conn: &C,
    credit: bool,
    platform_id: Uuid,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<Line>, FinanceError> {
    let sql = if credit {
        "SELECT c.number AS document, i.number AS original, c.issued_at AS at, i.issued_at AS original_at, i.buyer_gstin AS gstin,
                c.place_of_supply AS pos, c.classification AS class, l.sac, l.rate_bp,
                l.taxable_paise, l.igst_paise, l.cgst_paise, l.sgst_paise, l.total_paise
           FROM credit_note_lines l JOIN credit_notes c ON c.id = l.credit_note_id
           JOIN invoices i ON i.id = c.invoice_id
          WHERE c.platform_id = $1 AND c.issued_at >= $2 AND c.issued_at < $3
          ORDER BY c.issued_at, c.number, l.position"
    } else {
        "SELECT i.number AS document, NULL::text AS original, i.issued_at AS at, NULL::timestamptz AS original_at, i.buyer_gstin AS gstin,
                i.place_of_supply AS pos, i.classification AS class, l.sac, l.rate_bp,
                l.taxable_paise, l.igst_paise, l.cgst_paise, l.sgst_paise, l.total_paise
           FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
          WHERE i.platform_id = $1 AND i.issued_at >= $2 AND i.issued_at < $3
          ORDER BY i.issued_at, i.number, l.position"
    };
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            [platform_id.into(), start.into(), end.into()],
        ))
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Line {
                document: r.try_get("", "document")?,
                original: r.try_get("", "original")?,
                at: r.try_get("", "at")?,
                gstin: r.try_get("", "gstin")?,
                pos: r.try_get("", "pos")?,
                class: r.try_get("", "class")?,
                sac: r.try_get("", "sac")?,
                rate_bp: r.try_get("", "rate_bp")?,
                amounts: [
                    r.try_get("", "taxable_paise")?,
                    r.try_get("", "igst_paise")?,
                    r.try_get("", "cgst_paise")?,
                    r.try_get("", "sgst_paise")?,
                    r.try_get("", "total_paise")?,
                ],
                original_at: r.try_get("", "original_at")?,
            })
        })
        .collect()
}

fn add(row: &mut GstRow, a: [i64; 5], sign: i64) {
    row.taxable_paise += sign * a[0];
    row.igst_paise += sign * a[1];
    row.cgst_paise += sign * a[2];
    row.sgst_paise += sign * a[3];
    row.total_paise += sign * a[4];
}

/// Adds a line to the document section `rows` (one row per document and rate, in order).
fn document_row(rows: &mut Vec<GstRow>, l: &Line) {
    let same = rows
        .last_mut()
        .filter(|r| r.document.as_deref() == Some(l.document.as_str()) && r.rate_bp == l.rate_bp);
    match same {
        Some(r) => add(r, l.amounts, 1),
        None => {
            let mut r = GstRow {
                document: Some(l.document.clone()),
                original_invoice: l.original.clone(),
                date: Some(tax::ist_date(l.at)),
                counterparty_gstin: l.gstin.clone(),
                place_of_supply: Some(l.pos.clone()),
                rate_bp: l.rate_bp,
                ..GstRow::default()
            };
            add(&mut r, l.amounts, 1);
            rows.push(r);
        }
    }
}

/// The report of `from..=to` (IST days) of the platform.
pub async fn gst<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<GstReport, FinanceError> {
    let (start, end) = period(from, to)?;
    let invoices = lines(conn, false, platform_id, start, end).await?;
    let notes = lines(conn, true, platform_id, start, end).await?;
    let mut report = GstReport {
        from,
        to,
        ..GstReport::default()
    };
    let mut b2cs: BTreeMap<(String, i32), GstRow> = BTreeMap::new();
    let mut hsn: BTreeMap<(String, i32), GstRow> = BTreeMap::new();
    let mut totals = GstRow::default();
    for (l, sign) in invoices
        .iter()
        .map(|l| (l, 1))
        .chain(notes.iter().map(|l| (l, -1)))
    {
        match (l.class.as_str(), sign) {
            ("b2b", 1) => document_row(&mut report.b2b, l),
            ("b2cl", 1) => document_row(&mut report.b2cl, l),
            ("b2b", _) => document_row(&mut report.cdnr, l),
            ("b2cl", _) => document_row(&mut report.cdnur, l),
            _ => {
                let row = b2cs
                    .entry((l.pos.clone(), l.rate_bp))
                    .or_insert_with(|| GstRow {
                        place_of_supply: Some(l.pos.clone()),
                        rate_bp: l.rate_bp,
                        ..GstRow::default()
                    });
                add(row, l.amounts, sign);
            }
        }
        let row = hsn
            .entry((l.sac.clone(), l.rate_bp))
            .or_insert_with(|| GstRow {
                sac: Some(l.sac.clone()),
                rate_bp: l.rate_bp,
                ..GstRow::default()
            });
        add(row, l.amounts, sign);
        add(&mut totals, l.amounts, sign);
    }
    let mut warned = std::collections::BTreeSet::new();
    for l in &notes {
        if let Some(original) = l.original_at
            && tax::credit_note_cutoff(original) < tax::ist_date(l.at)
            && warned.insert(l.document.clone())
            && let Some(w) = tax::credit_note_warning(original, l.at)
        {
            report.warnings.push(format!("{}: {w}", l.document));
        }
    }
    // a B2CS credit note nets into the month it is issued in, whatever the invoice's month
    // (GSTR-1 table 7 is amended by net figures): said, so the month's B2CS row is explained
    let mut netted = std::collections::BTreeSet::new();
    for l in &notes {
        if l.class == "b2cs"
            && let Some(original) = l.original_at
            && tax::ist_date(original).format("%Y-%m").to_string()
                != tax::ist_date(l.at).format("%Y-%m").to_string()
            && netted.insert(l.document.clone())
        {
            report.warnings.push(format!(
                "{}: a credit note of a B2CS invoice of {} is netted into the B2CS row of {} (place of supply {}, rate {} bp)",
                l.document,
                tax::ist_date(original).format("%Y-%m"),
                tax::ist_date(l.at).format("%Y-%m"),
                l.pos,
                l.rate_bp
            ));
        }
    }
    if let Some(w) = tax::cutoff_ahead(to) {
        report.warnings.push(w);
    }
    report.b2cs = b2cs.into_values().collect();
    report.hsn = hsn.into_values().collect();
    report.totals = GstTotals {
        taxable_paise: totals.taxable_paise,
        igst_paise: totals.igst_paise,
        cgst_paise: totals.cgst_paise,
        sgst_paise: totals.sgst_paise,
        total_paise: totals.total_paise,
    };
    Ok(report)
}

fn sections(r: &GstReport) -> [(&'static str, &[GstRow]); 6] {
    [
        ("b2b", &r.b2b),
        ("b2cl", &r.b2cl),
        ("b2cs", &r.b2cs),
        ("cdnr", &r.cdnr),
        ("cdnur", &r.cdnur),
        ("hsn", &r.hsn),
    ]
}

const COLUMNS: [&str; 13] = [
    "section",
    "document",
    "original_invoice",
    "date",
    "counterparty_gstin",
    "place_of_supply",
    "sac",
    "rate_bp",
    "taxable_paise",
    "igst_paise",
    "cgst_paise",
    "sgst_paise",
    "total_paise",
];

fn cells(section: &str, r: &GstRow) -> [String; 13] {
    [
        section.to_owned(),
        r.document.clone().unwrap_or_default(),
        r.original_invoice.clone().unwrap_or_default(),
        r.date.map(|d| d.to_string()).unwrap_or_default(),
        r.counterparty_gstin.clone().unwrap_or_default(),
        r.place_of_supply.clone().unwrap_or_default(),
        r.sac.clone().unwrap_or_default(),
        r.rate_bp.to_string(),
        r.taxable_paise.to_string(),
        r.igst_paise.to_string(),
        r.cgst_paise.to_string(),
        r.sgst_paise.to_string(),
        r.total_paise.to_string(),
    ]
}

/// The report as CSV: one line per row, the section first, amounts in paise.
pub fn csv(r: &GstReport) -> Result<Vec<u8>, FinanceError> {
    let failed = |e: csv::Error| FinanceError::App(kernel::AppError::Unexpected(e.into()));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS).map_err(failed)?;
    for (name, rows) in sections(r) {
        for row in rows {
            w.write_record(cells(name, row)).map_err(failed)?;
        }
    }
    w.into_inner()
        .map_err(|e| FinanceError::App(kernel::AppError::Unexpected(anyhow::anyhow!("{e}"))))
}

/// The report as a workbook: a sheet per section and `totals`, amounts in paise.
pub fn xlsx(r: &GstReport) -> Result<Vec<u8>, FinanceError> {
    use rust_xlsxwriter::{Format, Workbook, XlsxError};
    let failed = |e: XlsxError| FinanceError::App(kernel::AppError::Unexpected(e.into()));
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    for (name, rows) in sections(r) {
        let sheet = book.add_worksheet();
        sheet.set_name(name).map_err(failed)?;
        for (c, title) in COLUMNS.iter().skip(1).enumerate() {
            sheet
                .write_string_with_format(0, u16::try_from(c).unwrap_or(0), *title, &bold)
                .map_err(failed)?;
        }
        for (i, row) in rows.iter().enumerate() {
            let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
            for (c, v) in cells(name, row).iter().skip(1).enumerate() {
                let col = u16::try_from(c).unwrap_or(0);
                // amounts and rates as numbers (exact: paise stay far below 2^53)
                match v.parse::<i64>() {
                    Ok(n) if c >= 6 => sheet.write_number(line, col, n as f64),
                    _ => sheet.write_string(line, col, v),
                }
                .map_err(failed)?;
            }
        }
    }
    let sheet = book.add_worksheet();
    sheet.set_name("totals").map_err(failed)?;
    let t = &r.totals;
    for (i, (k, v)) in [
        ("taxable_paise", t.taxable_paise),
        ("igst_paise", t.igst_paise),
        ("cgst_paise", t.cgst_paise),
        ("sgst_paise", t.sgst_paise),
        ("total_paise", t.total_paise),
    ]
    .into_iter()
    .enumerate()
    {
        let line = u32::try_from(i).unwrap_or(0);
        sheet.write_string(line, 0, k).map_err(failed)?;
        sheet.write_number(line, 1, v as f64).map_err(failed)?;
    }
    book.save_to_buffer().map_err(failed)
}

/// The years a report period may name.
pub const REPORT_YEARS: std::ops::RangeInclusive<i32> = 2000..=2999;

/// Checks a period and answers its bounds (IST midnights, the end exclusive).
pub(crate) fn period(
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(DateTime<Utc>, DateTime<Utc>), FinanceError> {
    if to < from {
        return Err(FinanceError::Invalid(
            "to",
            "must not be before from".into(),
        ));
    }
    if to - from > Duration::days(366) {
        return Err(FinanceError::Invalid(
            "to",
            "at most 366 days after from".into(),
        ));
    }
    // far dates (the type reaches year ±262,143) would overflow the day after `to` and the
    // time-zone arithmetic
    for (field, date) in [("from", from), ("to", to)] {
        if !(REPORT_YEARS.contains(&date.year())) {
            return Err(FinanceError::Invalid(
                field,
                format!(
                    "must be in the years {}-{}",
                    REPORT_YEARS.start(),
                    REPORT_YEARS.end()
                ),
            ));
        }
    }
    Ok((ist_midnight(from)?, ist_midnight(to + Duration::days(1))?))
}

/// The finance ledger of `from..=to` (IST days) by account.
pub async fn ledger<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<crate::dto::reports::LedgerSummary, FinanceError> {
    let (start, end) = period(from, to)?;
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT account,
                    COALESCE(sum(amount_paise) FILTER (WHERE amount_paise > 0), 0)::bigint AS debit,
                    COALESCE(-sum(amount_paise) FILTER (WHERE amount_paise < 0), 0)::bigint AS credit,
                    count(*) AS entries
               FROM finance_ledger
              WHERE platform_id = $1 AND created_at >= $2 AND created_at < $3
              GROUP BY account ORDER BY account",
            [platform_id.into(), start.into(), end.into()],
        ))
        .await?;
    let mut accounts = Vec::with_capacity(rows.len());
    for r in rows {
        let debit: i64 = r.try_get("", "debit")?;
        let credit: i64 = r.try_get("", "credit")?;
        accounts.push(crate::dto::reports::LedgerAccount {
            account: r.try_get("", "account")?,
            debit_paise: debit,
            credit_paise: credit,
            net_paise: debit - credit,
            entries: r.try_get("", "entries")?,
        });
    }
    let balanced = accounts.iter().map(|a| a.net_paise).sum::<i64>() == 0;
    Ok(crate::dto::reports::LedgerSummary {
        from,
        to,
        accounts,
        balanced,
    })
}

/// The ledger summary as one table (CSV or a one-sheet workbook): an account per row.
pub fn ledger_tables(
    s: &crate::dto::reports::LedgerSummary,
) -> Vec<crate::service::tabular::Table> {
    vec![crate::service::tabular::Table {
        name: "ledger",
        columns: vec![
            "account",
            "debit_paise",
            "credit_paise",
            "net_paise",
            "entries",
        ],
        rows: s
            .accounts
            .iter()
            .map(|a| {
                vec![
                    a.account.clone().into(),
                    a.debit_paise.into(),
                    a.credit_paise.into(),
                    a.net_paise.into(),
                    a.entries.into(),
                ]
            })
            .collect(),
    }]
}

#[cfg(test)]
mod period_tests {
    use super::*;

    #[test]
    fn far_dates_are_refused_not_panicked_on() {
        for (from, to) in [
            (NaiveDate::MAX, NaiveDate::MAX),
            (NaiveDate::MIN, NaiveDate::MIN),
            (
                NaiveDate::from_ymd_opt(2999, 12, 31).unwrap(),
                NaiveDate::MAX,
            ),
        ] {
            assert!(
                matches!(period(from, to), Err(FinanceError::Invalid(..))),
                "{from} {to}"
            );
        }
        let day = NaiveDate::from_ymd_opt(2999, 12, 31).unwrap();
        let (start, end) = period(day, day).unwrap();
        assert_eq!(end - start, Duration::days(1));
    }
}

//! The GST report of a month equals the sum of its invoices and credit notes, B2CS credit
//! notes netted into their place-of-supply/rate row; CSV and XLSX carry the same rows.

use chrono::{DateTime, Utc};
use finance::service::{invoices, refunds};
use integrations::payments::events::RefundProcessed;
use kernel::auth::{Capability, Role};
use reqwest::Method;
use serde_json::{Value, json};
use testkit::{TestApp, spawn_app};

use crate::common::{buyer_with_profile, captured, count, tenant, workbook};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// A buyer with `profile` (none: no billing profile) paying `amount` on `when`.
async fn sale(
    app: &TestApp,
    profile: Option<Value>,
    amount: i64,
    inclusive: bool,
    when: &str,
) -> finance::entities::invoices::Model {
    let mr = tenant(app, "mr-mentor").await;
    let buyer = match profile {
        Some(p) => buyer_with_profile(app, "mr-mentor", p).await.0,
        None => app.user(Role::User, &[], "mr-mentor").0,
    };
    let e = captured(&mr, buyer, amount, inclusive);
    invoices::issue(&app.db, &app.config.finance, &mr, &e, at(when))
        .await
        .unwrap()
        .invoice
}

async fn refund(
    app: &TestApp,
    inv: &finance::entities::invoices::Model,
    amount: i64,
    rfnd: &str,
    when: &str,
) {
    let mr = tenant(app, "mr-mentor").await;
    let done = refunds::settle(
        &app.db,
        &app.config.finance,
        &mr,
        &RefundProcessed {
            order_id: inv.order_id,
            user_id: inv.user_id,
            platform_id: mr.id,
            amount_paise: amount,
            currency: "INR".into(),
            item: inv.item.clone(),
            razorpay_payment_id: inv.razorpay_payment_id.clone(),
            razorpay_refund_id: rfnd.into(),
        },
        at(when),
    )
    .await
    .unwrap();
    assert_eq!(done, refunds::Settled::Recorded);
}

#[tokio::test]
async fn a_months_report_is_the_sum_of_its_documents() {
    let app = spawn_app().await;
    // November 2026 (IST). The supplier is in Karnataka (29).
    let b2b = sale(
        &app,
        Some(json!({"legal_name": "Acme LLP", "gstin": "27AAACB1234C1ZF"})),
        // Rs 1,000 exclusive of GST, charged with it
        118_000,
        false,
        "2026-11-05T06:00:00Z",
    )
    .await;
    let local = sale(&app, None, 499_900, true, "2026-11-10T06:00:00Z").await;
    let delhi = sale(
        &app,
        Some(json!({"legal_name": "Ravi", "state_code": "07"})),
        118_000,
        true,
        "2026-11-15T06:00:00Z",
    )
    .await;
    let large = sale(
        &app,
        Some(json!({"legal_name": "Meera", "state_code": "07"})),
        // Rs 1,00,000 exclusive of GST, charged Rs 1,18,000
        11_800_000,
        false,
        "2026-11-20T06:00:00Z",
    )
    .await;
    // the edges of the month in IST: 31 Oct 23:59:59 and 1 Dec 00:00 are outside
    sale(&app, None, 1_000, true, "2026-10-31T18:29:59Z").await;
    sale(&app, None, 1_000, true, "2026-11-30T18:30:00Z").await;
    let first_minute = sale(&app, None, 2_000, true, "2026-10-31T18:30:00Z").await;
    assert_eq!(
        (
            b2b.classification.as_str(),
            local.classification.as_str(),
            delhi.classification.as_str(),
            large.classification.as_str()
        ),
        ("b2b", "b2cs", "b2cs", "b2cl")
    );
    // credit notes in the month: part of the local B2CS sale, part of the B2B one, part of
    // the B2CL one; and one in December (outside)
    refund(&app, &local, 100_000, "rfnd_a", "2026-11-25T06:00:00Z").await;
    refund(&app, &b2b, 59_000, "rfnd_b", "2026-11-26T06:00:00Z").await;
    refund(&app, &large, 1_180_000, "rfnd_c", "2026-11-27T06:00:00Z").await;
    refund(&app, &delhi, 1_000, "rfnd_d", "2026-12-02T06:00:00Z").await;

    let fin = app.token(Role::User, &[Capability::Finance], "mr-mentor");
    let res = app
        .call(
            Method::GET,
            "/api/finance/reports/gst?from=2026-11-01&to=2026-11-30",
            &fin,
            None,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let r = res.json();

    // the totals are the month's invoices less its credit notes, from the documents themselves
    let window = "'2026-10-31T18:30:00Z' AND issued_at < '2026-11-30T18:30:00Z'";
    for col in [
        "taxable_paise",
        "igst_paise",
        "cgst_paise",
        "sgst_paise",
        "total_paise",
    ] {
        let inv = count(
            &app,
            &format!(
                "SELECT COALESCE(sum({col}), 0)::bigint FROM invoices WHERE issued_at >= {window}"
            ),
        )
        .await;
        let cn = count(&app, &format!("SELECT COALESCE(sum({col}), 0)::bigint FROM credit_notes WHERE issued_at >= {window}")).await;
        assert_eq!(r["totals"][col].as_i64().unwrap(), inv - cn, "{col}");
        // and the sections add up to the totals
        let sum = |section: &str| -> i64 {
            r[section]
                .as_array()
                .unwrap()
                .iter()
                .map(|row| row[col].as_i64().unwrap())
                .sum()
        };
        assert_eq!(
            sum("b2b") + sum("b2cl") + sum("b2cs") - sum("cdnr") - sum("cdnur"),
            inv - cn,
            "{col} by section"
        );
        assert_eq!(sum("hsn"), inv - cn, "{col} by SAC");
    }
    // hand-computed: the local B2CS row (29, 18%) is 499900 + 2000 less the Rs 1,000 note
    // (7627 + 7627 + 84746), plus the sale of 00:00 IST on 1 November
    let row29 = r["b2cs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["place_of_supply"] == "29")
        .unwrap()
        .clone();
    assert_eq!(row29["rate_bp"], 1800);
    assert_eq!(
        row29["taxable_paise"],
        423_644 + first_minute.taxable_paise - 84_746
    );
    assert_eq!(
        row29["cgst_paise"],
        38_128 + first_minute.cgst_paise - 7_627
    );
    assert_eq!(row29["igst_paise"], 0);
    // 2000 incl. intra: 2000 * 900 / 11800 = 152.54 -> 153 each, taxable 1694
    assert_eq!(
        (first_minute.taxable_paise, first_minute.cgst_paise),
        (1_694, 153)
    );
    // the Delhi B2CS row: IGST, its December note not netted
    let row07 = r["b2cs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["place_of_supply"] == "07")
        .unwrap()
        .clone();
    assert_eq!(
        (
            row07["taxable_paise"].as_i64(),
            row07["igst_paise"].as_i64()
        ),
        (Some(100_000), Some(18_000))
    );
    // B2B and B2CL invoice-wise, their notes in CDNR and CDNUR
    assert_eq!(r["b2b"][0]["document"], b2b.number.as_str());
    assert_eq!(r["b2b"][0]["counterparty_gstin"], "27AAACB1234C1ZF");
    assert_eq!(r["cdnr"][0]["original_invoice"], b2b.number.as_str());
    assert_eq!(
        (
            r["cdnr"][0]["taxable_paise"].as_i64(),
            r["cdnr"][0]["igst_paise"].as_i64()
        ),
        (Some(50_000), Some(9_000))
    );
    assert_eq!(r["b2cl"][0]["document"], large.number.as_str());
    assert_eq!(r["cdnur"][0]["original_invoice"], large.number.as_str());
    assert_eq!(r["cdnur"][0]["total_paise"], 1_180_000);

    // CSV: the same rows, a section column first
    let csv = app
        .call(
            Method::GET,
            "/api/finance/reports/gst?from=2026-11-01&to=2026-11-30&format=csv",
            &fin,
            None,
        )
        .await;
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let lines: Vec<&str> = csv.text.lines().collect();
    assert!(lines[0].starts_with("section,document,"));
    let rows = ["b2b", "b2cl", "b2cs", "cdnr", "cdnur", "hsn"]
        .iter()
        .map(|s| r[*s].as_array().unwrap().len())
        .sum::<usize>();
    assert_eq!(lines.len(), rows + 1);
    assert!(csv.text.contains(&format!("b2b,{},", b2b.number)));
    // XLSX: a workbook
    workbook(
        &app,
        "/api/finance/reports/gst?from=2026-11-01&to=2026-11-30&format=xlsx",
        &fin,
    )
    .await;

    // bad ranges and callers
    let p = app
        .call(
            Method::GET,
            "/api/finance/reports/gst?from=2026-11-30&to=2026-11-01",
            &fin,
            None,
        )
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "to");
    app.call(
        Method::GET,
        "/api/finance/reports/gst?from=2026-11-01&to=2026-11-30",
        &app.user_token(),
        None,
    )
    .await
    .assert_problem(403, "forbidden");
}

/// Sales by IST day and by month: the rows are the documents' sums (a credit note in the
/// day it was issued), the tax of each row adds up to its net, CSV and XLSX carry the rows.
#[tokio::test]
async fn daily_and_monthly_sales_are_the_sums_of_the_documents() {
    let app = spawn_app().await;
    sale(&app, None, 118_000, true, "2026-11-03T10:00:00+05:30").await;
    sale(&app, None, 59_000, true, "2026-11-03T23:59:00+05:30").await;
    let c = sale(&app, None, 236_000, true, "2026-11-04T00:01:00+05:30").await;
    refund(&app, &c, 118_000, "rfnd_sales", "2026-11-05T09:00:00+05:30").await;
    sale(&app, None, 10_000, true, "2026-12-01T12:00:00+05:30").await;
    let fin = app.token(Role::User, &[Capability::Finance], "mr-mentor");
    let get = |q: &str| {
        let (app, fin, q) = (&app, fin.clone(), q.to_owned());
        async move {
            app.call(
                Method::GET,
                &format!("/api/finance/reports/sales?{q}"),
                &fin,
                None,
            )
            .await
        }
    };
    let daily = get("from=2026-11-01&to=2026-11-30").await;
    assert_eq!(daily.status, 200, "{}", daily.text);
    let daily = daily.json();
    let rows = daily["rows"].as_array().unwrap();
    let summary: Vec<(&str, i64, i64, i64, i64)> = rows
        .iter()
        .map(|r| {
            (
                r["period"].as_str().unwrap(),
                r["invoices"].as_i64().unwrap(),
                r["invoiced_paise"].as_i64().unwrap(),
                r["credited_paise"].as_i64().unwrap(),
                r["net_paise"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("2026-11-03", 2, 177_000, 0, 177_000),
            ("2026-11-04", 1, 236_000, 0, 236_000),
            ("2026-11-05", 0, 0, 118_000, -118_000),
        ]
    );
    for r in rows.iter().chain([&daily["totals"]]) {
        let tax: i64 = ["taxable_paise", "cgst_paise", "sgst_paise", "igst_paise"]
            .iter()
            .map(|k| r[*k].as_i64().unwrap())
            .sum();
        assert_eq!(tax, r["net_paise"].as_i64().unwrap(), "{r}");
    }
    assert_eq!(daily["totals"]["net_paise"], 295_000);
    assert_eq!(daily["totals"]["credit_notes"], 1);

    let monthly = get("from=2026-11-01&to=2026-12-31&period=monthly")
        .await
        .json();
    let months: Vec<(&str, i64)> = monthly["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["period"].as_str().unwrap(),
                r["net_paise"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(months, vec![("2026-11", 295_000), ("2026-12", 10_000)]);

    let csv = get("from=2026-11-01&to=2026-11-30&format=csv").await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.text.starts_with("period,invoices,invoiced_paise,"),
        "{}",
        csv.text
    );
    assert!(
        csv.text.contains("\n2026-11-03,2,177000,0,0,177000,"),
        "{}",
        csv.text
    );
    assert!(
        csv.text.contains("\ntotal,3,413000,1,118000,295000,"),
        "{}",
        csv.text
    );
    workbook(
        &app,
        "/api/finance/reports/sales?from=2026-11-01&to=2026-11-30&format=xlsx",
        &fin,
    )
    .await;
    // a plain user, and a period the wrong way round
    app.call(
        Method::GET,
        "/api/finance/reports/sales?from=2026-11-01&to=2026-11-30",
        &app.user_token(),
        None,
    )
    .await
    .assert_problem(403, "forbidden");
    let p = get("from=2026-11-30&to=2026-11-01")
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "to");
}

/// The 30 November cut-off of section 34(2): a credit note issued after it is flagged in the
/// report of its month, and a report ending shortly before it warns ahead.
#[tokio::test]
async fn the_credit_note_cut_off_is_warned_ahead_and_flagged_after() {
    let app = spawn_app().await;
    // FY 25-26: the cut-off for its credit notes is 30 November 2026
    let old = sale(&app, None, 118_000, true, "2026-01-15T06:00:00Z").await;
    refund(&app, &old, 18_000, "rfnd_late", "2026-12-02T06:00:00Z").await;
    let fin = app.token(Role::User, &[Capability::Finance], "mr-mentor");
    let report = |q: &'static str| {
        let (app, fin) = (&app, fin.clone());
        async move {
            let res = app
                .call(
                    Method::GET,
                    &format!("/api/finance/reports/gst?{q}"),
                    &fin,
                    None,
                )
                .await;
            assert_eq!(res.status, 200, "{}", res.text);
            res.json()
        }
    };
    let december = report("from=2026-12-01&to=2026-12-31").await;
    let warnings = december["warnings"].as_array().unwrap();
    // after the cut-off, and (a B2CS note of a January invoice) netted into December's row
    assert_eq!(warnings.len(), 2, "{december}");
    let w = warnings[0].as_str().unwrap();
    assert!(w.starts_with("CN/26-27/"), "{w}");
    assert!(
        w.contains("issued after 2026-11-30") && w.contains("FY 25-26"),
        "{w}"
    );
    let w = warnings[1].as_str().unwrap();
    assert!(
        w.contains("B2CS invoice of 2026-01") && w.contains("B2CS row of 2026-12"),
        "{w}"
    );
    let november = report("from=2026-11-01&to=2026-11-10").await;
    let w = november["warnings"][0].as_str().unwrap();
    assert!(w.contains("2026-11-30") && w.contains("20 days"), "{w}");
    let june = report("from=2026-06-01&to=2026-06-30").await;
    assert_eq!(june["warnings"], json!([]));
}

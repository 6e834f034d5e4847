//! Razorpay settlement reconciliation against a wiremock Razorpay: payments matched to their
//! invoices, refunds to their credit notes, fees and their GST posted as input credit once,
//! and whatever does not match reported.

use chrono::{DateTime, NaiveDate, Utc};
use finance::service::{invoices, refunds, settlements};
use integrations::{payments::events::RefundProcessed, razorpay::Razorpay};
use kernel::auth::{Capability, Role};
use reqwest::Method;
use sea_orm::ConnectionTrait;
use serde_json::json;
use testkit::{TestOptions, spawn_app_with};
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{method, path, query_param},
};

use crate::common::{captured, count, tenant};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

#[tokio::test]
async fn settlements_match_payments_and_refunds_and_report_the_rest() {
    let rzp = MockServer::start().await;
    let app = spawn_app_with(
        TestOptions::default()
            .env("RAZORPAY_API_BASE", rzp.uri())
            .env("RAZORPAY_KEY_ID", "rzp_test_recon")
            .env("RAZORPAY_KEY_SECRET", "recon-key-secret"),
    )
    .await;
    let mr = tenant(&app, "mr-mentor").await;
    let (buyer, _) = app.user(Role::User, &[], "mr-mentor");
    let mut issued = Vec::new();
    for when in [
        "2026-11-10T06:00:00Z",
        "2026-11-10T07:00:00Z",
        "2026-11-10T08:00:00Z",
    ] {
        let e = captured(&mr, buyer, 118_000, true);
        issued.push(
            invoices::issue(&app.db, &app.config.finance, &mr, &e, at(when))
                .await
                .unwrap()
                .invoice,
        );
    }
    let (paid, short, unsettled) = (&issued[0], &issued[1], &issued[2]);
    // a refund of 18,000 on the first, with its credit note
    refunds::settle(
        &app.db,
        &app.config.finance,
        &mr,
        &RefundProcessed {
            order_id: paid.order_id,
            user_id: paid.user_id,
            platform_id: mr.id,
            amount_paise: 18_000,
            currency: "INR".into(),
            item: paid.item.clone(),
            razorpay_payment_id: paid.razorpay_payment_id.clone(),
            razorpay_refund_id: "rfnd_recon1".into(),
        },
        at("2026-11-10T09:00:00Z"),
    )
    .await
    .unwrap();

    // a refund of ours left pending without Razorpay's id (the process stopped between
    // Razorpay's answer and the credit note)
    let crashed = uuid::Uuid::now_v7();
    app.db
        .execute_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "INSERT INTO refunds (id, platform_id, invoice_id, razorpay_payment_id, amount_paise, reason, status)
             VALUES ($1, $2, $3, $4, 5000, 'course cancelled', 'pending')",
            [
                crashed.into(),
                mr.id.into(),
                unsettled.id.into(),
                unsettled.razorpay_payment_id.clone().into(),
            ],
        ))
        .await
        .unwrap();
    let line = |id: &str, kind: &str, amount: i64, fee: Option<i64>, tax: Option<i64>| {
        json!({"entity_id": id, "type": kind, "amount": amount, "fee": fee, "tax": tax,
               "currency": "INR", "settled": true, "settlement_id": "setl_1",
               "settled_at": 1_794_700_000, "payment_id": null})
    };
    let items = vec![
        // 2% + GST: fee 2,785 of which GST 425
        line(
            &paid.razorpay_payment_id,
            "payment",
            118_000,
            Some(2_785),
            Some(425),
        ),
        line(
            &short.razorpay_payment_id,
            "payment",
            117_000,
            Some(2_761),
            Some(421),
        ),
        line(
            "pay_somebody_elses",
            "payment",
            50_000,
            Some(1_180),
            Some(180),
        ),
        line("rfnd_recon1", "refund", 18_000, None, None),
        line("rfnd_unknown", "refund", 5_000, None, None),
        line("adj_1", "adjustment", -300, None, None),
        {
            let mut l = line("rfnd_crashed", "refund", 5_000, None, None);
            l["payment_id"] = json!(unsettled.razorpay_payment_id);
            l
        },
    ];
    Mock::given(method("GET"))
        .and(path("/v1/settlements/recon/combined"))
        .and(query_param("year", "2026"))
        .and(query_param("month", "11"))
        .and(query_param("day", "10"))
        .and(query_param("skip", "0"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"entity": "collection", "count": items.len(), "items": items}),
            ),
        )
        .expect(2)
        .mount(&rzp)
        .await;
    let razorpay =
        Razorpay::from_config(&app.config.integrations.razorpay, reqwest::Client::new()).unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 11, 10).unwrap();
    let done = settlements::reconcile_day(&app.ctx, &app.config.finance, &razorpay, day)
        .await
        .unwrap();
    assert_eq!(
        (
            done.lines,
            done.new,
            done.matched,
            done.mismatched,
            done.unmatched
        ),
        (7, 7, 3, 1, 3)
    );
    // again: stored once, posted once
    let again = settlements::reconcile_day(&app.ctx, &app.config.finance, &razorpay, day)
        .await
        .unwrap();
    assert_eq!((again.lines, again.new), (7, 0));
    // the pending refund is closed: Razorpay's id, processed, its credit note, once
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT count(*) FROM refunds r JOIN credit_notes c ON c.refund_id = r.id
                  WHERE r.id = '{crashed}' AND r.status = 'processed'
                    AND r.razorpay_refund_id = 'rfnd_crashed' AND c.total_paise = 5000"
            )
        )
        .await,
        1
    );

    let sum = |account: &str| {
        let app = &app;
        let sql = format!(
            "SELECT COALESCE(sum(amount_paise), 0)::bigint FROM finance_ledger
              WHERE account = '{account}' AND source_key LIKE 'settle:%'"
        );
        async move { count(app, &sql).await }
    };
    assert_eq!(sum("input_gst").await, 425);
    assert_eq!(sum("fees").await, 2_360);
    assert_eq!(sum("receivable").await, -118_000);
    assert_eq!(sum("bank").await, 118_000 - 2_785 - 18_000 - 5_000);
    assert_eq!(sum("refunds").await, 23_000);
    assert_eq!(
        count(
            &app,
            "SELECT COALESCE(sum(amount_paise), 0)::bigint FROM finance_ledger"
        )
        .await,
        0,
        "the whole ledger still balances"
    );

    let fin = app.token(Role::User, &[Capability::Finance], "mr-mentor");
    let res = app
        .call(
            Method::GET,
            "/api/finance/reports/reconciliation?from=2026-11-10&to=2026-11-10",
            &fin,
            None,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let r = res.json();
    assert_eq!(r["matched"], 3);
    assert_eq!(r["fees_paise"], 2_360);
    assert_eq!(r["fee_gst_paise"], 425);
    assert_eq!(r["unattributed"], 3);
    let open: Vec<(String, String)> = r["open"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["entity_id"].as_str().unwrap().to_owned(),
                o["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let mut expected = vec![
        (short.razorpay_payment_id.clone(), "mismatch".to_owned()),
        (
            unsettled.razorpay_payment_id.clone(),
            "unsettled".to_owned(),
        ),
    ];
    expected.sort();
    let mut open_sorted = open.clone();
    open_sorted.sort();
    assert_eq!(open_sorted, expected, "{r}");
    // another platform sees none of this platform's lines
    let other = app.token(Role::User, &[Capability::Finance], "my-analytics-school");
    let r = app
        .req(
            Method::GET,
            "/api/finance/reports/reconciliation?from=2026-11-10&to=2026-11-10",
        )
        .platform("my-analytics-school")
        .bearer(&other)
        .send()
        .await
        .json();
    assert_eq!(r["matched"], 0);
    assert_eq!(r["open"].as_array().unwrap().len(), 0);
}

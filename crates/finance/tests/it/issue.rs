//! What an invoice says: the buyer, the tax by place of supply, the ledger; and what the
//! queue carries.

use finance::service::invoices;
use kernel::auth::{Capability, Role};
use reqwest::Method;
use serde_json::json;
use testkit::spawn_app;

use crate::common::{buyer_with_profile, captured, count, tenant};

/// The invoice of a payment of `amount` by a new buyer without a billing profile.
async fn new_buyers_invoice(
    app: &testkit::TestApp,
    mr: &kernel::Tenant,
    amount: i64,
    inclusive: bool,
) -> finance::entities::invoices::Model {
    let (buyer, _) = app.user(Role::User, &[], "mr-mentor");
    let e = captured(mr, buyer, amount, inclusive);
    invoices::issue(&app.db, &app.config.finance, mr, &e, chrono::Utc::now())
        .await
        .unwrap()
        .invoice
}

/// A buyer without a billing profile: their account name, B2CS, place of supply the
/// supplier's state (29), CGST = SGST; an inclusive Rs 4,999 splits as hand-computed.
#[tokio::test]
async fn an_unregistered_buyer_gets_cgst_and_sgst_in_the_suppliers_state() {
    let app = spawn_app().await;
    let mr = tenant(&app, "mr-mentor").await;
    let i = new_buyers_invoice(&app, &mr, 499_900, true).await;
    assert_eq!(i.buyer_name, "Test User");
    assert_eq!(
        (i.place_of_supply.as_str(), i.classification.as_str()),
        ("29", "b2cs")
    );
    assert_eq!(
        (
            i.taxable_paise,
            i.cgst_paise,
            i.sgst_paise,
            i.igst_paise,
            i.total_paise
        ),
        (423_644, 38_128, 38_128, 0, 499_900)
    );
    // the sale's ledger entries balance and carry the figures
    assert_eq!(
        count(&app, &format!("SELECT COALESCE(sum(amount_paise), 0)::bigint FROM finance_ledger WHERE invoice_id = '{}'", i.id)).await,
        0
    );
    assert_eq!(
        count(&app, &format!("SELECT (-sum(amount_paise))::bigint FROM finance_ledger WHERE invoice_id = '{}' AND account = 'revenue'", i.id)).await,
        423_644
    );
}

/// The invoice's total is what was paid, whatever the price's statement: an event of an
/// exclusive price whose order was charged without its GST (as products did before
/// `kernel::money::charged_paise`) is invoiced at the Rs 1,000 paid, tax inside it, not at
/// Rs 1,180 nobody paid.
#[tokio::test]
async fn an_invoice_never_totals_more_than_the_payment() {
    let app = spawn_app().await;
    let mr = tenant(&app, "mr-mentor").await;
    let i = new_buyers_invoice(&app, &mr, 100_000, false).await;
    // 100000 x 9/118 = 7627.1 -> 7627 each half
    assert_eq!(
        (
            i.taxable_paise,
            i.cgst_paise,
            i.sgst_paise,
            i.igst_paise,
            i.total_paise
        ),
        (84_746, 7_627, 7_627, 0, 100_000)
    );
    assert!(!i.gst_inclusive, "the statement of the price is kept");
}

/// A registered buyer in Maharashtra (27) buying from Karnataka (29): B2B, IGST; an
/// exclusive Rs 1,000 was charged Rs 1,180 and the invoice splits that back into the price
/// and its tax. The invoice list shows it in the contract's shape.
#[tokio::test]
async fn a_registered_buyer_in_another_state_gets_igst_and_b2b() {
    let app = spawn_app().await;
    let mr = tenant(&app, "mr-mentor").await;
    let (buyer, _, profile) = buyer_with_profile(
        &app,
        "mr-mentor",
        json!({"legal_name": "Acme Analytics LLP", "gstin": "27AAACB1234C1ZF", "address": "Pune"}),
    )
    .await;
    assert_eq!(profile["state_code"], "27");
    // a Rs 1,000 price exclusive of GST, charged Rs 1,180 (`kernel::money::charged_paise`)
    let e = captured(&mr, buyer, 118_000, false);
    invoices::issue(&app.db, &app.config.finance, &mr, &e, chrono::Utc::now())
        .await
        .unwrap();
    let finance = app.token(Role::User, &[Capability::Finance], "mr-mentor");
    let list = app
        .call(Method::GET, "/api/finance/invoices", &finance, None)
        .await;
    assert_eq!(list.status, 200, "{}", list.text);
    let body = list.json();
    let inv = &body["items"][0];
    assert_eq!(inv["customer"]["name"], "Acme Analytics LLP");
    assert_eq!(inv["customer"]["gstin"], "27AAACB1234C1ZF");
    assert_eq!(inv["classification"], "b2b");
    assert_eq!(inv["place_of_supply"], "27");
    assert_eq!(inv["taxable_paise"], 100_000);
    assert_eq!(inv["igst_paise"], 18_000);
    assert_eq!(inv["cgst_paise"], 0);
    assert_eq!(inv["sgst_paise"], 0);
    assert_eq!(inv["total_paise"], 118_000);
    assert_eq!(inv["lines"][0]["sac"], "999293");
    assert_eq!(inv["lines"][0]["rate_bp"], 1800);
    assert!(inv["number"].as_str().unwrap().starts_with("MM/"));
    assert!(inv.get("pdf_url").is_some());
    assert!(inv["issued_at"].is_string());
    assert_eq!(body["next_cursor"], serde_json::Value::Null);
    // the detail is the same invoice
    let id = inv["id"].as_str().unwrap();
    let one = app
        .call(
            Method::GET,
            &format!("/api/finance/invoices/{id}"),
            &finance,
            None,
        )
        .await;
    assert_eq!(one.status, 200, "{}", one.text);
    assert_eq!(one.json()["number"], inv["number"]);
}

/// The cursor pages through the list without repeats.
#[tokio::test]
async fn the_list_pages_with_a_cursor() {
    let app = spawn_app().await;
    let mr = tenant(&app, "mr-mentor").await;
    let (buyer, _) = app.user(Role::User, &[], "mr-mentor");
    for _ in 0..5 {
        let e = captured(&mr, buyer, 1_000, true);
        invoices::issue(&app.db, &app.config.finance, &mr, &e, chrono::Utc::now())
            .await
            .unwrap();
    }
    let admin = app.admin_token();
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let res = app
            .call(
                Method::GET,
                &format!("/api/finance/invoices?limit=2&cursor={cursor}"),
                &admin,
                None,
            )
            .await;
        assert_eq!(res.status, 200, "{}", res.text);
        let body = res.json();
        for i in body["items"].as_array().unwrap() {
            seen.push(i["number"].as_str().unwrap().to_owned());
        }
        match body["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => break,
        }
    }
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 5);
    // newest first
    assert!(seen.first() > seen.last(), "{seen:?}");
}

/// `invoice.issued` on the queue carries ids and figures, never the buyer's name, GSTIN or
/// address.
#[tokio::test]
async fn the_outbox_carries_no_personal_data() {
    let app = spawn_app().await;
    let mr = tenant(&app, "mr-mentor").await;
    let (buyer, _, _) = buyer_with_profile(&app, "mr-mentor", json!({"legal_name": "Zed Secretname", "gstin": "07AAACD1234E1ZB", "address": "12 Hidden Lane"})).await;
    let e = captured(&mr, buyer, 20_000, true);
    invoices::issue(&app.db, &app.config.finance, &mr, &e, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM outbox WHERE job_name = 'invoice.issued'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM outbox WHERE payload::text LIKE '%Secretname%'
                OR payload::text LIKE '%07AAACD1234E1ZB%' OR payload::text LIKE '%Hidden Lane%'"
        )
        .await,
        0
    );
}

/// Through the queue and the HTTP routes, the log lines carry ids, never the buyer's name,
/// GSTIN or address.
#[tokio::test]
async fn the_logs_carry_no_personal_data() {
    let logs = testkit::logs::capture();
    let app = spawn_app().await;
    let mr = tenant(&app, "mr-mentor").await;
    let (buyer, _, _) = buyer_with_profile(&app, "mr-mentor", json!({"legal_name": "Quillon Vexmoor", "gstin": "07AAACD1234E1ZB", "address": "88 Obscura Marg"})).await;
    let e = captured(&mr, buyer, 20_000, true);
    jobs::outbox::publish_in(&app.db, &mr, &e).await.unwrap();
    app.jobs.notify_committed();
    let worker = app.start_worker().await;
    let id = testkit::eventually(30, || async {
        invoices::of_order(&app.db, mr.id, e.order_id)
            .await
            .unwrap()
            .map(|i| i.id)
    })
    .await
    .expect("the invoice is issued from the queue");
    let fin = app.token(Role::User, &[Capability::Finance], "mr-mentor");
    let res = app
        .call(
            Method::GET,
            &format!("/api/finance/invoices/{id}"),
            &fin,
            None,
        )
        .await;
    assert_eq!(res.json()["customer"]["name"], "Quillon Vexmoor");
    worker.stop().await;
    let Some(logs) = logs else {
        eprintln!("TEST_LOG is set: the log check is skipped");
        return;
    };
    let text = logs.text();
    assert!(
        text.contains(&format!("invoice_id={id}")),
        "the worker's line is captured"
    );
    for secret in ["Quillon", "Vexmoor", "07AAACD1234E1ZB", "Obscura"] {
        assert!(!text.contains(secret), "{secret} in the logs");
    }
}

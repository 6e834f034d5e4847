//! Refund -> credit note -> ledger, end to end through HTTP and the real workers: a token pack
//! bought through Razorpay (wiremock) is invoiced by the worker (dated at the capture), refunded
//! in two parts by FINANCE, and Razorpay's `refund.processed` webhooks take the tokens back
//! (ADR 0068: in proportion, never below zero, spent tokens not taken back). Afterwards the
//! finance ledger balances and the token ledger reconciles (tokens'
//! `ledger::reconcile::reconcile_snapshot`, behind `GET /api/admin/tokens/reconcile`).

use kernel::auth::{Capability, Role};
use reqwest::Method;
use serde_json::{Value, json};
use testkit::{TestApp, TestOptions, eventually, razorpay::webhook, spawn_app_with};
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{body_partial_json, method, path},
};

use crate::common::count;

const HOOK: &str = "finance-webhook-secret";

async fn app_with_razorpay() -> (TestApp, MockServer) {
    let rzp = MockServer::start().await;
    let app = spawn_app_with(
        TestOptions::default()
            .env("RAZORPAY_API_BASE", rzp.uri())
            .env("RAZORPAY_KEY_ID", "rzp_test_finance")
            .env("RAZORPAY_KEY_SECRET", "finance-test-key-secret")
            .env("RAZORPAY_WEBHOOK_SECRET", HOOK),
    )
    .await;
    (app, rzp)
}

fn payment_of(order: &str, pay: &str, amount: i64) -> Value {
    json!({"id": pay, "order_id": order, "amount": amount, "currency": "INR", "status": "captured"})
}

async fn balance(app: &TestApp, token: &str) -> i64 {
    let res = app
        .call(Method::GET, "/api/tokens/balance", token, None)
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    res.json()["available"].as_i64().unwrap()
}

/// A new buyer of `mr-mentor` who bought a new pack of 50 tokens for Rs 499 (GST inclusive)
/// through Razorpay: order `order_{tag}`, payment `pay_{tag}`, captured by the webhook (event
/// `evt_capture_{tag}`) and credited. Their id and token.
async fn buy_pack(app: &TestApp, rzp: &MockServer, admin: &str, tag: &str) -> (uuid::Uuid, String) {
    let pack = json!({"name": "Starter 50", "tokens": 50, "amount_paise": 49_900});
    buy(app, rzp, admin, tag, pack, 49_900).await
}

/// [`buy_pack`] of the pack `pack` (a body of `POST /api/admin/token-packs` of 50 tokens),
/// whose Razorpay order must be created for `charged` paise.
async fn buy(
    app: &TestApp,
    rzp: &MockServer,
    admin: &str,
    tag: &str,
    pack: Value,
    charged: i64,
) -> (uuid::Uuid, String) {
    let pack = app
        .call(Method::POST, "/api/admin/token-packs", admin, Some(pack))
        .await;
    assert_eq!(pack.status, 201, "{}", pack.text);
    let (buyer, token) = app.user(Role::User, &[], "mr-mentor");
    let (order_id, pay_id) = (format!("order_{tag}"), format!("pay_{tag}"));
    // only an order of the charged amount is answered
    testkit::razorpay::expect_order(rzp, &order_id, charged).await;
    let order = app
        .call(
            Method::POST,
            "/api/tokens/purchase",
            &token,
            Some(json!({"pack_id": pack.json()["id"]})),
        )
        .await;
    assert_eq!(order.status, 201, "{}", order.text);
    assert_eq!(order.json()["amount_paise"], charged);
    let captured = json!({"entity": "event", "event": "payment.captured",
        "payload": {"payment": {"entity": payment_of(&order_id, &pay_id, charged)}}});
    let res = webhook(app, &format!("evt_capture_{tag}"), &captured, HOOK).await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(balance(app, &token).await, 50);
    (buyer, token)
}

async fn refund_webhook(app: &TestApp, order: &str, pay: &str, refund: &str, amount: i64) {
    refund_event(app, &format!("evt_{refund}"), order, pay, refund, amount).await;
}

/// [`refund_webhook`] of the whole of a payment of `amount`.
async fn refund_webhook_of(app: &TestApp, order: &str, pay: &str, refund: &str, amount: i64) {
    let event = format!("evt_{refund}");
    refund_event_of(app, &event, (order, pay, amount), refund, amount).await;
}

/// `refund.processed` for `refund` delivered under the event id `event`.
async fn refund_event(
    app: &TestApp,
    event: &str,
    order: &str,
    pay: &str,
    refund: &str,
    amount: i64,
) {
    refund_event_of(app, event, (order, pay, 49_900), refund, amount).await;
}

/// `refund.processed` for `refund` of `amount` from the payment `(order, pay, paid)` (the
/// payment `pay` of `paid` paise on `order`), under the event id `event`.
async fn refund_event_of(
    app: &TestApp,
    event: &str,
    (order, pay, paid): (&str, &str, i64),
    refund: &str,
    amount: i64,
) {
    let body = json!({
        "entity": "event", "event": "refund.processed",
        "payload": {
            "payment": {"entity": payment_of(order, pay, paid)},
            "refund": {"entity": {"id": refund, "entity": "refund", "amount": amount,
                "currency": "INR", "payment_id": pay, "status": "processed"}},
        }
    });
    let res = webhook(app, event, &body, HOOK).await;
    assert_eq!(res.status, 200, "{}", res.text);
}

/// Starts a worker and waits for it to issue the one invoice; the worker.
async fn invoiced_by_a_worker(app: &TestApp) -> testkit::Worker {
    let worker = app.start_worker().await;
    let invoiced = eventually(30, || async {
        (count(app, "SELECT count(*) FROM invoices").await == 1).then_some(())
    })
    .await;
    assert!(invoiced.is_some(), "the invoice within 30 s");
    worker
}

/// A pack priced Rs 1,000 exclusive of GST is charged Rs 1,180 (the Razorpay order is created
/// for that and nothing else), and its invoice totals exactly the payment: Rs 1,000 taxable
/// and Rs 180 of tax (before ADR 0095 the order charged Rs 1,000 and the invoice said
/// Rs 1,180). A full refund of the payment takes back every token.
#[tokio::test]
async fn an_exclusive_price_is_charged_with_its_gst_and_invoiced_at_the_payment() {
    let (app, rzp) = app_with_razorpay().await;
    let admin = app.admin_token();
    let pack =
        json!({"name": "Pro 50", "tokens": 50, "amount_paise": 100_000, "gst_inclusive": false});
    let (_, token) = buy(&app, &rzp, &admin, "X1", pack, 118_000).await;
    let listed = app
        .call(Method::GET, "/api/tokens/packs", &token, None)
        .await
        .json();
    assert_eq!(
        (&listed[0]["amount_paise"], &listed[0]["payable_paise"]),
        (&json!(100_000), &json!(118_000))
    );
    let worker = invoiced_by_a_worker(&app).await;
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM invoices WHERE total_paise = 118000 AND taxable_paise = 100000
               AND cgst_paise + sgst_paise + igst_paise = 18000 AND NOT gst_inclusive"
        )
        .await,
        1,
        "the invoice is the payment, split into the price and its tax"
    );
    worker.stop().await;
    refund_webhook_of(&app, "order_X1", "pay_X1", "rfnd_X1", 118_000).await;
    assert_eq!(
        balance(&app, &token).await,
        0,
        "the whole payment back: every token"
    );
}

#[tokio::test]
async fn refund_then_credit_note_then_both_ledgers_reconcile() {
    let (app, rzp) = app_with_razorpay().await;
    let admin = app.admin_token();
    let (buyer, token) = buy_pack(&app, &rzp, &admin, "R1").await;

    // the worker invoices it, dated at the capture (the event's `captured_at`)
    let worker = invoiced_by_a_worker(&app).await;
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM invoices i JOIN outbox o ON o.job_name = 'payment.captured'
              WHERE abs(extract(epoch FROM i.issued_at - (o.payload->>'captured_at')::timestamptz)) < 0.001"
        )
        .await,
        1,
        "the invoice's date is the capture time"
    );

    // FINANCE refunds Rs 100 (10 tokens' worth), then the rest after the buyer spent 25
    let fin = app.token(Role::User, &[Capability::Finance], "mr-mentor");
    for (amount, id) in [(10_000, "rfnd_R1a"), (39_900, "rfnd_R1b")] {
        Mock::given(method("POST"))
            .and(path("/v1/payments/pay_R1/refund"))
            .and(body_partial_json(json!({"amount": amount})))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "id": id, "entity": "refund", "amount": amount, "currency": "INR",
                "payment_id": "pay_R1", "status": "pending",
            })))
            .expect(1)
            .mount(&rzp)
            .await;
    }
    let refund = |amount: i64| {
        let (app, fin) = (&app, fin.clone());
        async move {
            let res = app
                .call(
                    Method::POST,
                    "/api/finance/refunds",
                    &fin,
                    Some(json!({"payment_id": "pay_R1", "amount_paise": amount, "reason": "not needed"})),
                )
                .await;
            assert_eq!(res.status, 201, "{}", res.text);
            res.json()
        }
    };
    let first = refund(10_000).await;
    assert_eq!(first["credit_note"]["total_paise"], 10_000);
    // the tokens go when Razorpay says the money went
    assert_eq!(balance(&app, &token).await, 50);
    refund_webhook(&app, "order_R1", "pay_R1", "rfnd_R1a", 10_000).await;
    assert_eq!(balance(&app, &token).await, 40, "floor(50 x 100/499) = 10");
    // delivered again (same event id): nothing more
    refund_webhook(&app, "order_R1", "pay_R1", "rfnd_R1a", 10_000).await;
    assert_eq!(balance(&app, &token).await, 40);

    // the buyer spends 25 (an admin's debit stands in for a booking)
    let spent = app
        .req(Method::POST, "/api/admin/tokens/corrections")
        .bearer(&admin)
        .header("Idempotency-Key", "spend-25")
        .json(&json!({"user_id": buyer, "amount": -25, "reason": "spent on a session"}))
        .send()
        .await;
    assert_eq!(spent.status, 201, "{}", spent.text);
    assert_eq!(balance(&app, &token).await, 15);

    let rest = refund(39_900).await;
    assert_eq!(rest["credit_note"]["total_paise"], 39_900);
    refund_webhook(&app, "order_R1", "pay_R1", "rfnd_R1b", 39_900).await;
    // 40 due, 15 left: the balance goes to zero, never below
    assert_eq!(balance(&app, &token).await, 0);
    let taken = count(
        &app,
        "SELECT COALESCE(sum(amount), 0)::bigint FROM ledger_transfers WHERE kind = 'purchase_refund'",
    )
    .await;
    assert_eq!(taken, 25, "10 + 15 taken back");
    assert_eq!(
        count(
            &app,
            "SELECT (metadata->>'unrecovered')::bigint FROM ledger_transfers
              WHERE idempotency_key = 'refund:rfnd_R1b'"
        )
        .await,
        25
    );

    // finance settles both refunds from the events queue
    app.wait_completed("domainEventsQueue", "refund.processed", 2)
        .await;
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM refunds WHERE status = 'processed'"
        )
        .await,
        2
    );
    assert_eq!(count(&app, "SELECT count(*) FROM credit_notes").await, 2);
    worker.stop().await;

    // the token ledger reconciles
    let rec = app
        .call(Method::GET, "/api/admin/tokens/reconcile", &admin, None)
        .await;
    assert_eq!(rec.status, 200, "{}", rec.text);
    let rec = rec.json();
    assert_eq!(rec["ok"], true, "{rec}");
    assert_eq!(rec["ledger_sum"], 0);

    // the finance ledger balances and the sale is fully reversed
    let today = finance::tax::ist_date(chrono::Utc::now());
    let res = app
        .call(
            Method::GET,
            &format!("/api/finance/reports/ledger?from={today}&to={today}"),
            &fin,
            None,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let summary = res.json();
    assert_eq!(summary["balanced"], true, "{summary}");
    let net = |account: &str| {
        summary["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["account"] == account)
            .map(|a| a["net_paise"].as_i64().unwrap())
    };
    assert_eq!(net("revenue"), Some(0));
    assert_eq!(net("receivable"), Some(49_900));
    assert_eq!(net("refunds"), Some(-49_900));
}

/// The same refund delivered again under another event id (Razorpay retries with a new one):
/// its paise count once toward `token_orders.refunded_paise` and the wallet moves once, both
/// when tokens were taken back and after a capped reversal that took nothing (before the
/// fix, the capped one had no transfer to find and counted its paise twice).
#[tokio::test]
async fn the_same_refund_under_another_event_id_counts_once() {
    let (app, rzp) = app_with_razorpay().await;
    let admin = app.admin_token();
    let (buyer, token) = buy_pack(&app, &rzp, &admin, "R2").await;
    let refunded = || {
        count(
            &app,
            "SELECT refunded_paise FROM token_orders WHERE razorpay_order_id = 'order_R2'",
        )
    };

    // Rs 100 refunded, delivered under two event ids: 10 tokens taken once
    for event in ["evt_R2a_1", "evt_R2a_2"] {
        refund_event(&app, event, "order_R2", "pay_R2", "rfnd_R2a", 10_000).await;
        assert_eq!(balance(&app, &token).await, 40, "{event}");
        assert_eq!(refunded().await, 10_000, "{event}");
    }

    // everything spent, then Rs 200 refunded: capped (20 due, nothing available), delivered
    // under two event ids: counted once
    let spent = app
        .req(Method::POST, "/api/admin/tokens/corrections")
        .bearer(&admin)
        .header("Idempotency-Key", "spend-40")
        .json(&json!({"user_id": buyer, "amount": -40, "reason": "spent on sessions"}))
        .send()
        .await;
    assert_eq!(spent.status, 201, "{}", spent.text);
    assert_eq!(balance(&app, &token).await, 0);
    for event in ["evt_R2b_1", "evt_R2b_2", "evt_R2b_3"] {
        refund_event(&app, event, "order_R2", "pay_R2", "rfnd_R2b", 20_000).await;
        assert_eq!(balance(&app, &token).await, 0, "{event}");
        assert_eq!(
            refunded().await,
            30_000,
            "{event}: the capped refund counted once"
        );
    }
    assert_eq!(
        count(
            &app,
            "SELECT COALESCE(sum(amount), 0)::bigint FROM ledger_transfers WHERE kind = 'purchase_refund'",
        )
        .await,
        10,
        "the wallet moved once"
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM token_order_refunds r JOIN token_orders o ON o.id = r.order_id
              WHERE o.razorpay_order_id = 'order_R2'"
        )
        .await,
        2
    );
    assert_eq!(
        count(
            &app,
            "SELECT (due * 100 + debited)::bigint FROM token_order_refunds WHERE refund_id = 'rfnd_R2b'"
        )
        .await,
        2_000,
        "20 due, none taken"
    );

    // a later refund is still counted: the rest of the price, after the capped ones
    refund_event(&app, "evt_R2c", "order_R2", "pay_R2", "rfnd_R2c", 19_900).await;
    assert_eq!(refunded().await, 49_900);

    let rec = app
        .call(Method::GET, "/api/admin/tokens/reconcile", &admin, None)
        .await;
    assert_eq!(rec.status, 200, "{}", rec.text);
    assert_eq!(rec.json()["ok"], true, "{}", rec.text);
}

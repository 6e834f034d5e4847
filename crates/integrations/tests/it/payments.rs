//! The shared payments: the registry dispatches a Razorpay event to the product that owns
//! its order (a product that does not own it is passed over, an order nobody owns is
//! `unknown_order`), a repeated event id changes nothing, a capture happens once with its
//! `payment.captured` event, a late failure never undoes it, a mismatched amount is refused,
//! a refund goes out as `refund.processed`; the checkout verification helper; and the Razorpay
//! client's `fetch_order_payments` against wiremock.

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use integrations::{
    payments::{
        CapturedItem, CheckoutVerification, PayableOrder, PaymentFuture, PaymentProduct,
        PaymentProducts, Payments, WebhookOutcome, webhook,
    },
    razorpay::{Razorpay, RazorpayConfig},
};
use kernel::{AppError, Tenant};
use reqwest::Method;
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, Statement};
use secrecy::SecretString;
use serde_json::{Value, json};
use testkit::{TestApp, spawn_app};
use uuid::Uuid;
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{basic_auth, method, path},
};

const KEY_SECRET: &str = "payments-key-secret";

/// A product that owns no order; counts how often it was asked.
#[derive(Default, Clone)]
struct Nobody(Arc<AtomicUsize>);

impl PaymentProduct for Nobody {
    fn kind(&self) -> &'static str {
        "nothing"
    }
    fn lock_order<'a>(
        &'a self,
        _txn: &'a DatabaseTransaction,
        _razorpay_order_id: &'a str,
    ) -> PaymentFuture<'a, Option<PayableOrder>> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Box::pin(async { Ok(None) })
    }
    fn capture<'a>(
        &'a self,
        _txn: &'a DatabaseTransaction,
        _tenant: &'a Tenant,
        _order: &'a PayableOrder,
        _payment_id: &'a str,
    ) -> PaymentFuture<'a, CapturedItem> {
        panic!("capture of an order this product does not own")
    }
    fn fail<'a>(
        &'a self,
        _txn: &'a DatabaseTransaction,
        _order: &'a PayableOrder,
        _reason: &'a str,
    ) -> PaymentFuture<'a, ()> {
        panic!("failure of an order this product does not own")
    }
}

/// A product on a table of its own (created by the test): tickets.
struct Tickets;

const TICKETS_TABLE: &str = "CREATE TABLE test_ticket_orders (
    id uuid PRIMARY KEY, platform_id uuid NOT NULL, user_id uuid NOT NULL,
    razorpay_order_id text NOT NULL UNIQUE, amount_paise bigint NOT NULL, currency text NOT NULL,
    status text NOT NULL DEFAULT 'created', failure_reason text, captures int NOT NULL DEFAULT 0)";

async fn exec(conn: &impl ConnectionTrait, sql: &str, values: Vec<sea_orm::Value>) {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        sql,
        values,
    ))
    .await
    .unwrap();
}

impl PaymentProduct for Tickets {
    fn kind(&self) -> &'static str {
        "ticket"
    }
    fn lock_order<'a>(
        &'a self,
        txn: &'a DatabaseTransaction,
        razorpay_order_id: &'a str,
    ) -> PaymentFuture<'a, Option<PayableOrder>> {
        Box::pin(async move {
            let row = txn
                .query_one_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT id, platform_id, user_id, amount_paise, currency, status
                       FROM test_ticket_orders WHERE razorpay_order_id = $1 FOR UPDATE",
                    [razorpay_order_id.into()],
                ))
                .await?;
            Ok::<_, AppError>(row.map(|r| PayableOrder {
                id: r.try_get("", "id").unwrap(),
                platform_id: r.try_get("", "platform_id").unwrap(),
                user_id: r.try_get("", "user_id").unwrap(),
                amount_paise: r.try_get("", "amount_paise").unwrap(),
                currency: r.try_get("", "currency").unwrap(),
                paid: r.try_get::<String>("", "status").unwrap() == "paid",
            }))
        })
    }
    fn capture<'a>(
        &'a self,
        txn: &'a DatabaseTransaction,
        _tenant: &'a Tenant,
        order: &'a PayableOrder,
        _payment_id: &'a str,
    ) -> PaymentFuture<'a, CapturedItem> {
        Box::pin(async move {
            exec(
                txn,
                "UPDATE test_ticket_orders SET status = 'paid', captures = captures + 1 WHERE id = $1",
                vec![order.id.into()],
            )
            .await;
            Ok::<_, AppError>(CapturedItem {
                item_id: order.id,
                description: "Concert ticket".into(),
                gst_inclusive: false,
                tokens: None,
            })
        })
    }
    fn fail<'a>(
        &'a self,
        txn: &'a DatabaseTransaction,
        order: &'a PayableOrder,
        reason: &'a str,
    ) -> PaymentFuture<'a, ()> {
        Box::pin(async move {
            exec(
                txn,
                "UPDATE test_ticket_orders SET status = 'failed', failure_reason = $2 WHERE id = $1",
                vec![order.id.into(), reason.into()],
            )
            .await;
            Ok::<_, AppError>(())
        })
    }
}

/// The app, the tickets table and one ticket order `order_T1` of 25 000 paise: (app, buyer).
async fn tickets_app() -> (TestApp, Uuid) {
    let app = spawn_app().await;
    exec(&app.db, TICKETS_TABLE, vec![]).await;
    let (buyer, _) = app.user(kernel::auth::Role::User, &[], "mr-mentor");
    let platform = app
        .ctx
        .tenants
        .resolve(&app.ctx.db, Some("mr-mentor"))
        .await
        .unwrap();
    exec(
        &app.db,
        "INSERT INTO test_ticket_orders (id, platform_id, user_id, razorpay_order_id, amount_paise, currency)
         VALUES ($1, $2, $3, 'order_T1', 25000, 'INR')",
        vec![Uuid::now_v7().into(), platform.id.into(), buyer.into()],
    )
    .await;
    (app, buyer)
}

async fn scalar(app: &TestApp, sql: &str) -> Value {
    app.db
        .query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<Value>(0)
        .unwrap()
}

fn event(name: &str, order: &str, payment: &str, amount: i64) -> Value {
    json!({
        "entity": "event", "event": name,
        "payload": {"payment": {"entity": {
            "id": payment, "order_id": order, "amount": amount, "currency": "INR",
            "status": "captured", "error_description": "card declined"
        }}}
    })
}

async fn apply(
    app: &TestApp,
    products: &PaymentProducts,
    id: &str,
    body: &Value,
) -> WebhookOutcome {
    let name = body["event"].as_str().unwrap();
    webhook::apply(&app.ctx, products, id, name, body)
        .await
        .unwrap()
}

#[tokio::test]
async fn events_go_to_the_owning_product_once_and_a_late_failure_changes_nothing() {
    let (app, _) = tickets_app().await;
    let nobody = Nobody::default();
    let mut products = PaymentProducts::new();
    products.register(nobody.clone()).register(Tickets);

    let captured = event("payment.captured", "order_T1", "pay_T1", 25_000);
    assert_eq!(
        apply(&app, &products, "evt_1", &captured).await,
        WebhookOutcome::Credited
    );
    assert!(
        nobody.0.load(Ordering::SeqCst) >= 1,
        "the other product was asked first"
    );
    // the same event id again: nothing, not even a look at the order
    assert_eq!(
        apply(&app, &products, "evt_1", &captured).await,
        WebhookOutcome::Duplicate
    );
    // another delivery of the same payment: captured before
    assert_eq!(
        apply(&app, &products, "evt_2", &captured).await,
        WebhookOutcome::AlreadyCredited
    );
    let failed = event("payment.failed", "order_T1", "pay_T0", 25_000);
    assert_eq!(
        apply(&app, &products, "evt_3", &failed).await,
        WebhookOutcome::Recorded
    );
    assert_eq!(
        scalar(&app, "SELECT to_jsonb(t) FROM test_ticket_orders t").await["status"],
        "paid"
    );
    assert_eq!(
        scalar(&app, "SELECT to_jsonb(captures) FROM test_ticket_orders").await,
        1
    );
    let events = scalar(
        &app,
        "SELECT jsonb_agg(payload) FROM outbox WHERE job_name = 'payment.captured'",
    )
    .await;
    assert_eq!(events.as_array().unwrap().len(), 1, "{events}");
    let e = &events[0];
    assert_eq!(e["item"], "ticket");
    assert_eq!(e["description"], "Concert ticket");
    assert_eq!(e["amount_paise"], 25_000);
    assert_eq!(e["gst_inclusive"], false);
    assert_eq!(e["platform"], "mr-mentor");
    assert_eq!(e["razorpay_payment_id"], "pay_T1");
    assert!(e.get("tokens").is_none(), "{e}");
    let seen = scalar(&app, "SELECT to_jsonb(count(*)) FROM razorpay_events").await;
    assert_eq!(seen, 3);
}

#[tokio::test]
async fn an_order_no_product_owns_is_unknown_and_a_wrong_amount_is_refused() {
    let (app, _) = tickets_app().await;
    let mut only_nobody = PaymentProducts::new();
    only_nobody.register(Nobody::default());
    let captured = event("payment.captured", "order_T1", "pay_T1", 25_000);
    assert_eq!(
        apply(&app, &only_nobody, "evt_u", &captured).await,
        WebhookOutcome::UnknownOrder
    );
    // the id is remembered all the same
    assert_eq!(
        apply(&app, &only_nobody, "evt_u", &captured).await,
        WebhookOutcome::Duplicate
    );

    let mut products = PaymentProducts::new();
    products.register(Tickets);
    let short = event("payment.captured", "order_T1", "pay_T2", 100);
    assert_eq!(
        apply(&app, &products, "evt_m", &short).await,
        WebhookOutcome::AmountMismatch
    );
    assert_eq!(
        scalar(&app, "SELECT to_jsonb(captures) FROM test_ticket_orders").await,
        0
    );
    // a failure on the unpaid order is recorded with the provider's reason
    let failed = event("payment.failed", "order_T1", "pay_T3", 25_000);
    assert_eq!(
        apply(&app, &products, "evt_f", &failed).await,
        WebhookOutcome::Recorded
    );
    let row = scalar(&app, "SELECT to_jsonb(t) FROM test_ticket_orders t").await;
    assert_eq!(row["status"], "failed");
    assert_eq!(row["failure_reason"], "card declined");
    // an event without a payment is ignored
    let other = json!({"event": "order.paid", "payload": {}});
    assert_eq!(
        apply(&app, &products, "evt_o", &other).await,
        WebhookOutcome::Ignored
    );
}

#[tokio::test]
async fn a_processed_refund_goes_out_as_an_event() {
    let (app, buyer) = tickets_app().await;
    let mut products = PaymentProducts::new();
    products.register(Tickets);
    let mut refund = event("refund.processed", "order_T1", "pay_T1", 25_000);
    refund["payload"]["refund"] = json!({"entity": {
        "id": "rfnd_1", "payment_id": "pay_T1", "amount": 10_000, "currency": "INR"
    }});
    // delivered before the capture (Razorpay retries that one): refused, nothing kept, not
    // even the event id
    let early = webhook::apply(&app.ctx, &products, "evt_r", "refund.processed", &refund)
        .await
        .unwrap_err();
    assert_eq!(early.code(), "refund_before_capture");
    assert_eq!(
        scalar(
            &app,
            "SELECT to_jsonb(count(*)) FROM outbox WHERE job_name = 'refund.processed'"
        )
        .await,
        0
    );
    assert_eq!(
        scalar(&app, "SELECT to_jsonb(count(*)) FROM razorpay_events").await,
        0
    );
    let captured = event("payment.captured", "order_T1", "pay_T1", 25_000);
    assert_eq!(
        apply(&app, &products, "evt_c", &captured).await,
        WebhookOutcome::Credited
    );
    // Razorpay's next delivery of the same event applies
    assert_eq!(
        apply(&app, &products, "evt_r", &refund).await,
        WebhookOutcome::Recorded
    );
    let e = scalar(
        &app,
        "SELECT payload FROM outbox WHERE job_name = 'refund.processed'",
    )
    .await;
    assert_eq!(e["razorpay_refund_id"], "rfnd_1");
    assert_eq!(e["amount_paise"], 10_000);
    assert_eq!(e["item"], "ticket");
    assert_eq!(e["user_id"], buyer.to_string());
}

#[tokio::test]
async fn checkout_verification_checks_the_signature_and_the_buyer_then_captures_once() {
    let (app, buyer) = tickets_app().await;
    let mut products = PaymentProducts::new();
    products.register(Tickets);
    let config = RazorpayConfig {
        api_base: "http://127.0.0.1:9".into(),
        key_id: Some("rzp_test_pay".into()),
        key_secret: Some(SecretString::from(KEY_SECRET)),
        webhook_secret: None,
    };
    let payments = Payments::new(&app.ctx, &app.jobs, &config, products).unwrap();
    let tenant = app
        .ctx
        .tenants
        .resolve(&app.ctx.db, Some("mr-mentor"))
        .await
        .unwrap();
    let checkout = |sig: &str| CheckoutVerification {
        razorpay_order_id: "order_T1".into(),
        razorpay_payment_id: "pay_T1".into(),
        razorpay_signature: sig.into(),
    };
    let good = kernel::crypto::hmac_sha256_hex(KEY_SECRET.as_bytes(), b"order_T1|pay_T1");
    let forged = payments
        .verify_checkout(&Tickets, &tenant, buyer, &checkout("00ff"))
        .await
        .unwrap_err();
    assert_eq!(forged.code(), "invalid_signature");
    let stranger = payments
        .verify_checkout(&Tickets, &tenant, Uuid::now_v7(), &checkout(&good))
        .await
        .unwrap_err();
    assert_eq!(stranger.code(), "not_found");
    let first = payments
        .verify_checkout(&Tickets, &tenant, buyer, &checkout(&good))
        .await
        .unwrap();
    assert!(first.changed);
    let again = payments
        .verify_checkout(&Tickets, &tenant, buyer, &checkout(&good))
        .await
        .unwrap();
    assert!(!again.changed);
    assert_eq!(
        scalar(&app, "SELECT to_jsonb(captures) FROM test_ticket_orders").await,
        1
    );
}

#[tokio::test]
async fn the_webhook_route_answers_unknown_order_for_an_order_no_product_owns() {
    let hook_secret = "payments-hook-secret";
    let app = testkit::spawn_app_with(
        testkit::TestOptions::default()
            .env("RAZORPAY_API_BASE", "http://127.0.0.1:9")
            .env("RAZORPAY_KEY_ID", "rzp_test_pay")
            .env("RAZORPAY_KEY_SECRET", KEY_SECRET)
            .env("RAZORPAY_WEBHOOK_SECRET", hook_secret),
    )
    .await;
    let raw = event("payment.captured", "order_nobody", "pay_N1", 100).to_string();
    let send = |sig: String| {
        app.req(Method::POST, "/api/webhooks/razorpay")
            .header("X-Razorpay-Signature", &sig)
            .header("X-Razorpay-Event-Id", "evt_route")
            .body(raw.clone(), "application/json")
            .send()
    };
    send("bad".into())
        .await
        .assert_problem(401, "invalid_webhook_signature");
    let res = send(kernel::crypto::hmac_sha256_hex(
        hook_secret.as_bytes(),
        raw.as_bytes(),
    ))
    .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["status"], "unknown_order");
}

fn client(base: &str) -> Razorpay {
    let config = RazorpayConfig {
        api_base: base.into(),
        key_id: Some("rzp_test_pay".into()),
        key_secret: Some(SecretString::from(KEY_SECRET)),
        webhook_secret: None,
    };
    Razorpay::from_config(&config, integrations::http_client().unwrap()).unwrap()
}

#[tokio::test]
async fn fetch_order_payments_reads_every_attempt_and_names_the_providers_complaint() {
    let rzp = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/orders/order_R1/payments"))
        .and(basic_auth("rzp_test_pay", KEY_SECRET))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "entity": "collection", "count": 2, "items": [
                {"id": "pay_R0", "entity": "payment", "amount": 49_900, "currency": "INR",
                 "status": "failed", "order_id": "order_R1", "method": "card", "captured": false,
                 "error_description": "card declined", "created_at": 1_764_700_000},
                {"id": "pay_R1", "entity": "payment", "amount": 49_900, "currency": "INR",
                 "status": "captured", "order_id": "order_R1", "method": "upi", "captured": true,
                 "amount_refunded": 0, "created_at": 1_764_700_100}
            ]
        })))
        .mount(&rzp)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/orders/order_missing/payments"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": {"code": "BAD_REQUEST_ERROR", "description": "The id provided does not exist"}
        })))
        .mount(&rzp)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/orders/order_odd/payments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"items": "nope"})))
        .mount(&rzp)
        .await;
    let client = client(&rzp.uri());

    let payments = client.fetch_order_payments("order_R1").await.unwrap();
    assert_eq!(payments.len(), 2);
    assert_eq!(payments[0].status, "failed");
    assert_eq!(
        payments[0].error_description.as_deref(),
        Some("card declined")
    );
    assert!(payments[1].captured);
    assert_eq!(payments[1].id, "pay_R1");
    assert_eq!(payments[1].method.as_deref(), Some("upi"));
    assert_eq!(payments[1].order_id.as_deref(), Some("order_R1"));

    let err = client
        .fetch_order_payments("order_missing")
        .await
        .unwrap_err();
    assert!(!err.is_retryable());
    assert!(err.to_string().contains("does not exist"), "{err}");
    let app_err: AppError = err.into();
    assert_eq!(app_err.code(), "bad_gateway");

    let err = client.fetch_order_payments("order_odd").await.unwrap_err();
    assert!(err.to_string().contains("unexpected body"), "{err}");
    // a path segment is never spliced raw into the URL
    let err = client.fetch_order_payments("../v1/x").await.unwrap_err();
    assert!(err.to_string().contains("404"), "{err}");
}

//! Token purchases through Razorpay, against a wiremock Razorpay: order creation, checkout
//! verification with valid and forged signatures, and webhooks delivered twice and out of
//! order — the tokens are credited exactly once, and `payment.captured` goes to the outbox
//! (through the shared `integrations::payments`, token packs being one product).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{admin, balance, reconcile, user};
use kernel::auth::Role;
use reqwest::Method;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use testkit::{
    TestApp, TestOptions,
    razorpay::{signature, webhook},
    spawn_app, spawn_app_with,
};
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{basic_auth, body_partial_json, method, path},
};

const KEY_SECRET: &str = "rzp-key-secret";
const HOOK_SECRET: &str = "rzp-webhook-secret";

async fn app_with_razorpay() -> (TestApp, MockServer) {
    let rzp = MockServer::start().await;
    let app = spawn_app_with(
        TestOptions::default()
            .env("RAZORPAY_API_BASE", rzp.uri())
            .env("RAZORPAY_KEY_ID", "rzp_test_abc")
            .env("RAZORPAY_KEY_SECRET", KEY_SECRET)
            .env("RAZORPAY_WEBHOOK_SECRET", HOOK_SECRET),
    )
    .await;
    (app, rzp)
}

async fn pack(app: &TestApp) -> Value {
    let res = app
        .req(Method::POST, "/api/admin/token-packs")
        .bearer(&admin(app, "mr-mentor"))
        .json(&json!({"name": "Starter 50", "tokens": 50, "amount_paise": 49_900}))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    res.json()
}

async fn order(
    app: &TestApp,
    rzp: &MockServer,
    token: &str,
    pack_id: &str,
    order_id: &str,
) -> Value {
    Mock::given(method("POST"))
        .and(path("/v1/orders"))
        .and(basic_auth("rzp_test_abc", KEY_SECRET))
        .and(body_partial_json(
            json!({"amount": 49_900, "currency": "INR"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": order_id, "entity": "order", "amount": 49_900, "currency": "INR",
            "receipt": "r", "status": "created"
        })))
        .up_to_n_times(1)
        .mount(rzp)
        .await;
    let res = app
        .req(Method::POST, "/api/tokens/purchase")
        .bearer(token)
        .json(&json!({"pack_id": pack_id}))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    res.json()
}

fn captured(order_id: &str, payment_id: &str) -> Value {
    json!({
        "entity": "event", "event": "payment.captured",
        "payload": {"payment": {"entity": {
            "id": payment_id, "order_id": order_id, "amount": 49_900, "currency": "INR",
            "status": "captured"
        }}}
    })
}

async fn outbox_events(app: &TestApp, name: &str) -> i64 {
    app.db
        .query_one_raw(Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "SELECT count(*) FROM outbox WHERE job_name = $1",
            [name.into()],
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap()
}

#[tokio::test]
async fn without_keys_purchases_fail_closed() {
    let app = spawn_app().await;
    let pack = pack(&app).await;
    let (_, token) = user(&app, Role::User, "mr-mentor");
    app.req(Method::POST, "/api/tokens/purchase")
        .bearer(&token)
        .json(&json!({"pack_id": pack["id"]}))
        .send()
        .await
        .assert_problem(503, "provider_not_configured");
    app.req(Method::POST, "/api/webhooks/razorpay")
        .body("{}", "application/json")
        .send()
        .await
        .assert_problem(503, "provider_not_configured");
}

#[tokio::test]
async fn checkout_verification_credits_once_and_refuses_forgeries() {
    let (app, rzp) = app_with_razorpay().await;
    let pack = pack(&app).await;
    let (_, token) = user(&app, Role::User, "mr-mentor");
    let packs = app
        .req(Method::GET, "/api/tokens/packs")
        .bearer(&token)
        .send()
        .await
        .json();
    assert_eq!(packs[0]["tokens"], 50);

    let created = order(&app, &rzp, &token, pack["id"].as_str().unwrap(), "order_A1").await;
    assert_eq!(created["razorpay_order_id"], "order_A1");
    assert_eq!(created["amount_paise"], 49_900);
    assert_eq!(created["currency"], "INR");
    assert_eq!(created["key_id"], "rzp_test_abc");

    let verify = |sig: String| {
        app.req(Method::POST, "/api/tokens/purchase/verify")
            .bearer(&token)
            .json(&json!({"razorpay_order_id": "order_A1", "razorpay_payment_id": "pay_A1", "razorpay_signature": sig}))
            .send()
    };
    verify(signature("not-the-secret", "order_A1|pay_A1"))
        .await
        .assert_problem(400, "invalid_signature");
    assert_eq!(balance(&app, "mr-mentor", &token).await, (0, 0));

    let good = verify(signature(KEY_SECRET, "order_A1|pay_A1")).await;
    assert_eq!(good.status, 200, "{}", good.text);
    assert_eq!(good.json()["tokens_credited"], 50);
    assert_eq!(good.json()["balance"]["available"], 50);
    // the webhook for the same payment arrives afterwards: nothing more
    let hook = webhook(&app, "evt_1", &captured("order_A1", "pay_A1"), HOOK_SECRET).await;
    assert_eq!(hook.json()["status"], "already_credited", "{}", hook.text);
    let again = verify(signature(KEY_SECRET, "order_A1|pay_A1")).await;
    assert_eq!(again.status, 200);
    assert_eq!(balance(&app, "mr-mentor", &token).await, (50, 0));
    assert_eq!(outbox_events(&app, "payment.captured").await, 1);
    // the event finance invoices: what was bought, from the pack
    let event = app
        .db
        .query_one_raw(Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT payload FROM outbox WHERE job_name = 'payment.captured'",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<Value>(0)
        .unwrap();
    assert_eq!(event["item"], "token_pack", "{event}");
    assert_eq!(event["item_id"], pack["id"]);
    assert_eq!(event["tokens"], 50);
    assert_eq!(event["amount_paise"], 49_900);
    assert_eq!(event["description"], "Starter 50: 50 tokens");
    assert_eq!(event["gst_inclusive"], pack["gst_inclusive"]);
    assert_eq!(event["razorpay_payment_id"], "pay_A1");
    assert_eq!(event["platform"], "mr-mentor");

    // someone else's order is not theirs to verify
    let (_, other) = user(&app, Role::User, "mr-mentor");
    app.req(Method::POST, "/api/tokens/purchase/verify")
        .bearer(&other)
        .json(&json!({"razorpay_order_id": "order_A1", "razorpay_payment_id": "pay_A1", "razorpay_signature": signature(KEY_SECRET, "order_A1|pay_A1")}))
        .send()
        .await
        .assert_problem(404, "not_found");
    assert_eq!(reconcile(&app, "mr-mentor").await.json()["ok"], true);
}

#[tokio::test]
async fn webhooks_twice_and_out_of_order_credit_exactly_once() {
    let (app, rzp) = app_with_razorpay().await;
    let pack = pack(&app).await;
    let (_, token) = user(&app, Role::User, "mr-mentor");
    order(&app, &rzp, &token, pack["id"].as_str().unwrap(), "order_B1").await;

    // a forged delivery is refused
    webhook(
        &app,
        "evt_x",
        &captured("order_B1", "pay_B1"),
        "wrong-secret",
    )
    .await
    .assert_problem(401, "invalid_webhook_signature");

    // captured arrives first, twice
    let first = webhook(&app, "evt_10", &captured("order_B1", "pay_B1"), HOOK_SECRET).await;
    assert_eq!(first.json()["status"], "credited", "{}", first.text);
    let dup = webhook(&app, "evt_10", &captured("order_B1", "pay_B1"), HOOK_SECRET).await;
    assert_eq!(dup.json()["status"], "duplicate");
    // a failure of an earlier attempt arrives late: the order stays paid
    let failed = json!({
        "entity": "event", "event": "payment.failed",
        "payload": {"payment": {"entity": {
            "id": "pay_B0", "order_id": "order_B1", "amount": 49_900, "currency": "INR",
            "status": "failed", "error_description": "card declined"
        }}}
    });
    assert_eq!(
        webhook(&app, "evt_9", &failed, HOOK_SECRET).await.json()["status"],
        "recorded"
    );
    // the checkout's own verification comes last
    let verify = app
        .req(Method::POST, "/api/tokens/purchase/verify")
        .bearer(&token)
        .json(&json!({"razorpay_order_id": "order_B1", "razorpay_payment_id": "pay_B1", "razorpay_signature": signature(KEY_SECRET, "order_B1|pay_B1")}))
        .send()
        .await;
    assert_eq!(verify.status, 200, "{}", verify.text);
    assert_eq!(balance(&app, "mr-mentor", &token).await, (50, 0));
    assert_eq!(outbox_events(&app, "payment.captured").await, 1);

    // concurrent deliveries of distinct event ids for one payment still credit once
    order(&app, &rzp, &token, pack["id"].as_str().unwrap(), "order_C1").await;
    let many = futures::future::join_all((0..8).map(|i| {
        let body = captured("order_C1", "pay_C1");
        let app = &app;
        async move { webhook(app, &format!("evt_c{i}"), &body, HOOK_SECRET).await }
    }))
    .await;
    let credited = many
        .iter()
        .filter(|r| r.json()["status"] == "credited")
        .count();
    assert_eq!(
        credited,
        1,
        "{:?}",
        many.iter().map(|r| r.text.clone()).collect::<Vec<_>>()
    );
    assert_eq!(balance(&app, "mr-mentor", &token).await, (100, 0));
    assert_eq!(outbox_events(&app, "payment.captured").await, 2);
    assert_eq!(reconcile(&app, "mr-mentor").await.json()["ok"], true);
}

#[tokio::test]
async fn a_failed_payment_marks_the_order_and_credits_nothing() {
    let (app, rzp) = app_with_razorpay().await;
    let pack = pack(&app).await;
    let (_, token) = user(&app, Role::User, "mr-mentor");
    order(&app, &rzp, &token, pack["id"].as_str().unwrap(), "order_D1").await;
    let failed = json!({
        "entity": "event", "event": "payment.failed",
        "payload": {"payment": {"entity": {
            "id": "pay_D1", "order_id": "order_D1", "amount": 49_900, "currency": "INR",
            "status": "failed", "error_description": "insufficient funds"
        }}}
    });
    assert_eq!(
        webhook(&app, "evt_d", &failed, HOOK_SECRET).await.json()["status"],
        "recorded"
    );
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT status, failure_reason FROM token_orders WHERE razorpay_order_id = 'order_D1'",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get_by_index::<String>(0).unwrap(), "failed");
    assert_eq!(
        row.try_get_by_index::<String>(1).unwrap(),
        "insufficient funds"
    );
    assert_eq!(balance(&app, "mr-mentor", &token).await, (0, 0));
    // Razorpay refusing the order is a 502 naming the provider's complaint
    Mock::given(method("POST"))
        .and(path("/v1/orders"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {"code": "BAD_REQUEST_ERROR", "description": "amount exceeds maximum"}})))
        .mount(&rzp)
        .await;
    let res = app
        .req(Method::POST, "/api/tokens/purchase")
        .bearer(&token)
        .json(&json!({"pack_id": pack["id"]}))
        .send()
        .await;
    let problem = res.assert_problem(502, "bad_gateway");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("amount exceeds maximum"),
        "{problem}"
    );
}

//! Buying a course through Razorpay (wiremock): one open order per user and course, the
//! capture enrols exactly once whichever of the webhook (delivered twice, and before the
//! checkout verification) and the verification comes first, `payment.captured` carries the
//! course, amount and GST flag, and the daily reconciliation captures a payment whose
//! webhook never came and expires an order never paid; partial refunds that add up to the
//! price withdraw the course; a course paid twice (a superseded order and its successor) is
//! refunded once, automatically, and keeps the enrolment.

use jobs::JobSpec;
use kernel::auth::Role;
use reqwest::Method;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use testkit::{
    TestApp, TestOptions, TestResponse, eventually, razorpay::expect_order, spawn_app_with,
};
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{body_partial_json, method, path},
};

use crate::common;

const KEY_SECRET: &str = "rzp-key-secret";
const HOOK_SECRET: &str = "rzp-webhook-secret";

pub async fn app_with_razorpay() -> (TestApp, MockServer) {
    let rzp = MockServer::start().await;
    let app = spawn_app_with(
        TestOptions::default()
            .env("RAZORPAY_API_BASE", rzp.uri())
            .env("RAZORPAY_KEY_ID", "rzp_test_lms")
            .env("RAZORPAY_KEY_SECRET", KEY_SECRET)
            .env("RAZORPAY_WEBHOOK_SECRET", HOOK_SECRET),
    )
    .await;
    (app, rzp)
}

/// Moves the creation of the order Razorpay knows as `order_id` `hours` into the past.
async fn placed_hours_ago(app: &TestApp, order_id: &str, hours: i32) {
    let moved = app
        .db
        .execute_raw(Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "UPDATE course_orders SET created_at = now() - make_interval(hours => $2)
              WHERE razorpay_order_id = $1",
            [order_id.into(), hours.into()],
        ))
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(moved, 1, "{order_id}");
}

pub async fn place(app: &TestApp, token: &str, course_id: &str) -> TestResponse {
    app.call(
        Method::POST,
        "/api/course-enrollment/orders",
        token,
        Some(json!({"course_id": course_id})),
    )
    .await
}

fn payment_event(event: &str, order_id: &str, payment_id: &str, amount: i64) -> Value {
    json!({
        "entity": "event", "event": event,
        "payload": {"payment": {"entity": {
            "id": payment_id, "order_id": order_id, "amount": amount, "currency": "INR",
            "status": if event == "payment.captured" { "captured" } else { "failed" },
            "error_description": "card declined"
        }}}
    })
}

/// A delivery signed with this app's webhook secret.
pub async fn webhook(app: &TestApp, event_id: &str, body: &Value) -> TestResponse {
    testkit::razorpay::webhook(app, event_id, body, HOOK_SECRET).await
}

pub async fn verify(app: &TestApp, token: &str, order_id: &str, payment_id: &str) -> TestResponse {
    app.call(
        Method::POST,
        "/api/course-enrollment/orders/verify",
        token,
        Some(json!({
            "razorpay_order_id": order_id, "razorpay_payment_id": payment_id,
            "razorpay_signature": testkit::razorpay::signature(KEY_SECRET, &format!("{order_id}|{payment_id}")),
        })),
    )
    .await
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    app.db
        .query_one_raw(Statement::from_string(sea_orm::DbBackend::Postgres, sql))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap()
}

#[tokio::test]
async fn a_paid_order_enrols_once_whatever_the_order_of_webhooks_and_verification() {
    let (app, rzp) = app_with_razorpay().await;
    let admin = app.admin_token();
    let (student, token) = app.user(Role::User, &[], "mr-mentor");
    let course = common::course(&app, &admin, "paid-course", true).await;
    let course_id = course["id"].as_str().unwrap();
    expect_order(&rzp, "order_LMS1", 499_900).await;

    let first = place(&app, &token, course_id).await;
    assert_eq!(first.status, 201, "{}", first.text);
    assert_eq!(first.json()["amount_paise"], 499_900);
    assert_eq!(first.json()["razorpay_order_id"], "order_LMS1");
    // a double click gets the same open order, and Razorpay is asked once (`expect(1)`)
    let second = place(&app, &token, course_id).await;
    assert_eq!(second.json()["order_id"], first.json()["order_id"]);

    // a failed attempt first, then the capture twice, then the checkout's verification
    let failed = payment_event("payment.failed", "order_LMS1", "pay_F1", 499_900);
    assert_eq!(
        webhook(&app, "evt_f1", &failed).await.json()["status"],
        "recorded"
    );
    let captured = payment_event("payment.captured", "order_LMS1", "pay_C1", 499_900);
    assert_eq!(
        webhook(&app, "evt_c1", &captured).await.json()["status"],
        "credited"
    );
    assert_eq!(
        webhook(&app, "evt_c1", &captured).await.json()["status"],
        "duplicate"
    );
    assert_eq!(
        webhook(&app, "evt_c1_redelivered", &captured).await.json()["status"],
        "already_credited"
    );
    let verified = verify(&app, &token, "order_LMS1", "pay_C1").await;
    assert_eq!(verified.status, 200, "{}", verified.text);
    assert_eq!(verified.json()["status"], "captured");
    // a late failure of another attempt does not undo the capture
    let late = payment_event("payment.failed", "order_LMS1", "pay_F2", 499_900);
    webhook(&app, "evt_f2", &late).await;

    assert_eq!(
        count(
            &app,
            &format!("SELECT count(*) FROM enrollments WHERE user_id = '{student}'")
        )
        .await,
        1
    );
    let orders = app
        .call(Method::GET, "/api/course-enrollment/orders", &token, None)
        .await
        .json();
    assert_eq!(orders["items"].as_array().unwrap().len(), 1);
    assert_eq!(orders["items"][0]["status"], "captured");
    assert_eq!(
        orders["items"][0]["enrollment_id"],
        verified.json()["enrollment_id"]
    );
    let page = app
        .call(
            Method::GET,
            &format!("/api/student/courses/{course_id}"),
            &token,
            None,
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert_eq!(page.json()["enrollment"]["source"], "payment");
    // one payment.captured for finance, with the course, the amount and the GST flag
    let event = app
        .db
        .query_one_raw(Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT payload::text FROM outbox WHERE job_name = 'payment.captured'",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<String>(0)
        .unwrap();
    let event: Value = serde_json::from_str(&event).unwrap();
    let body = if event["event"].is_object() {
        &event["event"]
    } else {
        &event
    };
    assert_eq!(body["item"], "course_enrollment", "{event}");
    assert_eq!(body["item_id"], course_id);
    assert_eq!(body["amount_paise"], 499_900);
    assert_eq!(body["gst_inclusive"], true);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM outbox WHERE job_name = 'payment.captured'"
        )
        .await,
        1
    );
    // buying again is refused
    place(&app, &token, course_id)
        .await
        .assert_problem(409, "already_enrolled");
}

/// A `refund.processed` delivery for `refund_id` of `amount` paise on `order_id`.
fn refund_event(order_id: &str, payment_id: &str, refund_id: &str, amount: i64) -> Value {
    let mut event = payment_event("refund.processed", order_id, payment_id, amount);
    event["payload"]["refund"] = json!({"entity": {
        "id": refund_id, "payment_id": payment_id, "amount": amount, "currency": "INR"
    }});
    event
}

/// Two partial refunds that together return the whole price withdraw the course as one full
/// refund does; the same refund delivered again under another event id counts once.
#[tokio::test]
async fn partial_refunds_adding_up_to_the_price_withdraw_the_course() {
    let (app, rzp) = app_with_razorpay().await;
    let admin = app.admin_token();
    let (student, token) = app.user(Role::User, &[], "mr-mentor");
    let course = common::course(&app, &admin, "refunded-course", true).await;
    let course_id = course["id"].as_str().unwrap();
    expect_order(&rzp, "order_RF1", 499_900).await;
    assert_eq!(place(&app, &token, course_id).await.status, 201);
    let captured = payment_event("payment.captured", "order_RF1", "pay_RF1", 499_900);
    assert_eq!(
        webhook(&app, "evt_rc", &captured).await.json()["status"],
        "credited"
    );
    let active_sql = format!(
        "SELECT count(*) FROM enrollments WHERE user_id = '{student}' AND status = 'active'"
    );
    assert_eq!(count(&app, &active_sql).await, 1);

    let half = refund_event("order_RF1", "pay_RF1", "rfnd_A", 249_950);
    assert_eq!(
        webhook(&app, "evt_ra", &half).await.json()["status"],
        "recorded"
    );
    assert_eq!(
        count(&app, &active_sql).await,
        1,
        "half refunded: still enrolled"
    );
    // the same refund again under another event id: counted once, still enrolled
    assert_eq!(
        webhook(&app, "evt_ra_again", &half).await.json()["status"],
        "recorded"
    );
    assert_eq!(
        count(&app, &active_sql).await,
        1,
        "a repeat is not a second half"
    );
    // the other half: everything paid is back, and so is the seat
    let rest = refund_event("order_RF1", "pay_RF1", "rfnd_B", 249_950);
    assert_eq!(
        webhook(&app, "evt_rb", &rest).await.json()["status"],
        "recorded"
    );
    assert_eq!(
        count(&app, &active_sql).await,
        0,
        "fully refunded: enrolment withdrawn"
    );
    let orders = app
        .call(Method::GET, "/api/course-enrollment/orders", &token, None)
        .await
        .json();
    assert_eq!(orders["items"][0]["status"], "refunded");
}

/// The caller's orders, newest first, as (`field`, status) pairs.
async fn orders_by(app: &TestApp, token: &str, field: &str) -> Vec<(Value, Value)> {
    let orders = app
        .call(Method::GET, "/api/course-enrollment/orders", token, None)
        .await
        .json();
    orders["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o[field].clone(), o["status"].clone()))
        .collect()
}

/// The price changes while a buyer's order is open: the next "buy" does not hand back the old
/// order at the old price but supersedes it (`expired`) with one at the new terms, and a price
/// stated exclusive of GST is charged with it (Rs 4,000 + 18% = Rs 4,720; Razorpay is asked for
/// exactly that). A payment of the superseded order that still arrives is captured: money
/// taken is never dropped. When both are paid, the second payment is refunded.
#[tokio::test]
async fn a_new_price_supersedes_the_open_order_and_gst_is_added_to_an_exclusive_price() {
    let (app, rzp) = app_with_razorpay().await;
    let admin = app.admin_token();
    let (student, token) = app.user(Role::User, &[], "mr-mentor");
    let course = common::course(&app, &admin, "repriced-course", true).await;
    let course_id = course["id"].as_str().unwrap();
    expect_order(&rzp, "order_OLD", 499_900).await;
    let old = place(&app, &token, course_id).await;
    assert_eq!(old.json()["amount_paise"], 499_900, "{}", old.text);

    let changed = app
        .call(
            Method::PATCH,
            &format!("/api/admin/courses/{course_id}"),
            &admin,
            Some(json!({"price_paise": 400_000, "gst_inclusive": false})),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    let page = app.get("/api/courses/repriced-course").await.json();
    assert_eq!(
        (&page["price_paise"], &page["payable_paise"]),
        (&json!(400_000), &json!(472_000))
    );
    expect_order(&rzp, "order_NEW", 472_000).await;
    let new = place(&app, &token, course_id).await;
    assert_eq!(new.status, 201, "{}", new.text);
    assert_eq!(new.json()["razorpay_order_id"], "order_NEW");
    assert_eq!(new.json()["amount_paise"], 472_000);
    assert_ne!(new.json()["order_id"], old.json()["order_id"]);
    assert_eq!(
        orders_by(&app, &token, "amount_paise").await,
        [
            (json!(472_000), json!("initiated")),
            (json!(499_900), json!("expired"))
        ]
    );

    // the buyer's old checkout was still open and paid the old price, and neither the
    // webhook nor the checkout's verification arrived: the daily reconciliation asks Razorpay
    // about the superseded order too, and captures it
    placed_hours_ago(&app, "order_OLD", 3).await;
    placed_hours_ago(&app, "order_NEW", 2).await;
    for (order, items) in [
        (
            "order_OLD",
            json!([{"id": "pay_OLD", "entity": "payment", "order_id": "order_OLD",
                "amount": 499_900, "currency": "INR", "status": "captured", "captured": true,
                "amount_refunded": 0, "created_at": 1}]),
        ),
        ("order_NEW", json!([])),
    ] {
        Mock::given(method("GET"))
            .and(path(format!("/v1/orders/{order}/payments")))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"entity": "collection", "count": items.as_array().unwrap().len(), "items": items}),
            ))
            .mount(&rzp)
            .await;
    }
    let worker = app.start_worker().await;
    app.jobs
        .enqueue("mr-mentor", &lms::workers::ReconcileCourseOrders {}, None)
        .await
        .unwrap();
    let enrolled = format!(
        "SELECT count(*) FROM enrollments WHERE user_id = '{student}' AND status = 'active'"
    );
    let captured = eventually(20, || async {
        (count(&app, &enrolled).await == 1).then_some(())
    })
    .await;
    worker.stop().await;
    assert!(
        captured.is_some(),
        "the superseded order's payment was not captured"
    );
    assert_eq!(
        orders_by(&app, &token, "razorpay_order_id").await,
        [
            (json!("order_NEW"), json!("initiated")),
            (json!("order_OLD"), json!("captured"))
        ]
    );
    // and the event finance invoices carries what was paid
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM outbox WHERE job_name = 'payment.captured'
              AND (payload->>'amount_paise')::bigint = 499900"
        )
        .await,
        1
    );

    // then the new order is paid too: the buyer is enrolled already, so that payment bought
    // nothing. It is captured (and invoiced: money taken is recorded) pointing at the
    // enrolment OLD made, and refunded in full, once, however often the capture and the job
    // repeat; its refund does not revoke what OLD bought
    refund_mock(&rzp, "pay_NEW", 472_000).await;
    let worker = app.start_worker().await;
    let paid_again = payment_event("payment.captured", "order_NEW", "pay_NEW", 472_000);
    assert_eq!(
        webhook(&app, "evt_new", &paid_again).await.json()["status"],
        "credited"
    );
    assert_eq!(
        webhook(&app, "evt_new_again", &paid_again).await.json()["status"],
        "already_credited"
    );
    let new_order = orders_by(&app, &token, "failure_reason").await;
    assert_eq!(
        new_order[0],
        (json!(lms::service::orders::PAID_TWICE), json!("captured"))
    );
    let one_enrollment = format!(
        "SELECT count(DISTINCT enrollment_id) FROM course_orders
          WHERE user_id = '{student}' AND status = 'captured'"
    );
    assert_eq!(count(&app, &one_enrollment).await, 1, "both point at OLD's");
    let refund_job = lms::service::orders::RefundDuplicateOrder::NAME;
    app.wait_completed("databaseQueue", refund_job, 1).await;
    // Razorpay's refund.processed: the order is refunded, the course stays
    let back = refund_event("order_NEW", "pay_NEW", "rfnd_pay_NEW", 472_000);
    assert_eq!(
        webhook(&app, "evt_rfnd_new", &back).await.json()["status"],
        "recorded"
    );
    // the job again (as a retry would) finds the order refunded and asks Razorpay nothing
    let new_id = new.json()["order_id"].as_str().unwrap().parse().unwrap();
    app.jobs
        .enqueue(
            "mr-mentor",
            &lms::service::orders::RefundDuplicateOrder { order_id: new_id },
            None,
        )
        .await
        .unwrap();
    app.wait_completed("databaseQueue", refund_job, 2).await;
    worker.stop().await;
    assert_eq!(
        refunds_asked(&rzp, "pay_NEW").await,
        1,
        "one refund of the second payment"
    );
    assert_eq!(
        orders_by(&app, &token, "razorpay_order_id").await,
        [
            (json!("order_NEW"), json!("refunded")),
            (json!("order_OLD"), json!("captured"))
        ]
    );
    assert_eq!(count(&app, &enrolled).await, 1, "still enrolled");
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM outbox WHERE job_name = 'payment.captured'
              AND (payload->>'amount_paise')::bigint = 472000"
        )
        .await,
        1,
        "the second payment is invoiced once (and its refund credited)"
    );
}

/// The refund requests Razorpay received for `payment_id`.
async fn refunds_asked(rzp: &MockServer, payment_id: &str) -> usize {
    let path = format!("/v1/payments/{payment_id}/refund");
    rzp.received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == path)
        .count()
}

/// Razorpay refunding `payment_id`: answered for `amount` paise (and nothing else).
async fn refund_mock(rzp: &MockServer, payment_id: &str, amount: i64) {
    Mock::given(method("POST"))
        .and(path(format!("/v1/payments/{payment_id}/refund")))
        .and(body_partial_json(json!({"amount": amount})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": format!("rfnd_{payment_id}"), "entity": "refund", "amount": amount,
            "currency": "INR", "payment_id": payment_id, "status": "processed"
        })))
        .mount(rzp)
        .await;
}

/// Two payments for one course arriving at once (a superseded order and its successor,
/// both paid, their webhooks delivered concurrently): one of them enrols, the other is
/// captured as paid twice, and exactly one refund is asked for, of that one. And a payment
/// made after an admin granted the course is refunded the same way: the grant stays.
#[tokio::test]
async fn two_payments_for_one_course_enrol_once_and_the_other_is_refunded() {
    let (app, rzp) = app_with_razorpay().await;
    let admin = app.admin_token();
    let (student, token) = app.user(Role::User, &[], "mr-mentor");
    let course = common::course(&app, &admin, "raced-course", true).await;
    let course_id = course["id"].as_str().unwrap();
    expect_order(&rzp, "order_R1", 499_900).await;
    assert_eq!(place(&app, &token, course_id).await.status, 201);
    let repriced = app
        .call(
            Method::PATCH,
            &format!("/api/admin/courses/{course_id}"),
            &admin,
            Some(json!({"price_paise": 450_000})),
        )
        .await;
    assert_eq!(repriced.status, 200, "{}", repriced.text);
    expect_order(&rzp, "order_R2", 450_000).await;
    assert_eq!(place(&app, &token, course_id).await.status, 201);
    refund_mock(&rzp, "pay_R1", 499_900).await;
    refund_mock(&rzp, "pay_R2", 450_000).await;

    let worker = app.start_worker().await;
    let first = payment_event("payment.captured", "order_R1", "pay_R1", 499_900);
    let second = payment_event("payment.captured", "order_R2", "pay_R2", 450_000);
    let (a, b) = tokio::join!(
        webhook(&app, "evt_r1", &first),
        webhook(&app, "evt_r2", &second)
    );
    assert_eq!((a.status, b.status), (200, 200), "{} / {}", a.text, b.text);
    let active = format!(
        "SELECT count(*) FROM enrollments WHERE user_id = '{student}' AND status = 'active'"
    );
    assert_eq!(count(&app, &active).await, 1);
    let reasons = orders_by(&app, &token, "failure_reason").await;
    let twice: Vec<_> = reasons
        .iter()
        .filter(|(reason, _)| reason == &json!(lms::service::orders::PAID_TWICE))
        .collect();
    assert_eq!(twice.len(), 1, "{reasons:?}");
    assert!(
        reasons.iter().all(|(_, status)| status == "captured"),
        "{reasons:?}"
    );
    app.wait_completed(
        "databaseQueue",
        lms::service::orders::RefundDuplicateOrder::NAME,
        1,
    )
    .await;
    let asked = (
        refunds_asked(&rzp, "pay_R1").await,
        refunds_asked(&rzp, "pay_R2").await,
    );
    assert_eq!(asked.0 + asked.1, 1, "one refund in all: {asked:?}");

    // another buyer's order is open when an admin grants them the course; their payment then
    // bought nothing and is refunded, and the grant is not touched by the refund
    let (granted, granted_token) = app.user(Role::User, &[], "mr-mentor");
    expect_order(&rzp, "order_G1", 450_000).await;
    assert_eq!(place(&app, &granted_token, course_id).await.status, 201);
    let grant = app
        .call(
            Method::POST,
            "/api/admin/course-enrollments",
            &admin,
            Some(json!({"user_id": granted, "course_id": course_id})),
        )
        .await;
    assert_eq!(grant.status, 201, "{}", grant.text);
    refund_mock(&rzp, "pay_G1", 450_000).await;
    let paid = payment_event("payment.captured", "order_G1", "pay_G1", 450_000);
    assert_eq!(webhook(&app, "evt_g1", &paid).await.status, 200);
    app.wait_completed(
        "databaseQueue",
        lms::service::orders::RefundDuplicateOrder::NAME,
        2,
    )
    .await;
    assert_eq!(refunds_asked(&rzp, "pay_G1").await, 1);
    let back = refund_event("order_G1", "pay_G1", "rfnd_pay_G1", 450_000);
    assert_eq!(
        webhook(&app, "evt_rg1", &back).await.json()["status"],
        "recorded"
    );
    worker.stop().await;
    let still = format!(
        "SELECT count(*) FROM enrollments
          WHERE user_id = '{granted}' AND status = 'active' AND source = 'grant'"
    );
    assert_eq!(count(&app, &still).await, 1, "the grant stays");
    assert_eq!(
        orders_by(&app, &granted_token, "failure_reason").await,
        [(json!(lms::service::orders::PAID_TWICE), json!("refunded"))]
    );
}

#[tokio::test]
async fn orders_are_refused_for_drafts_without_keys_and_across_platforms() {
    let (app, rzp) = app_with_razorpay().await;
    let admin = app.admin_token();
    let (_, token) = app.user(Role::User, &[], "mr-mentor");
    let draft = common::course(&app, &admin, "draft-one", false).await;
    place(&app, &token, draft["id"].as_str().unwrap())
        .await
        .assert_problem(409, "course_not_published");
    let course = common::course(&app, &admin, "other-platform-course", true).await;
    let other = app.token(Role::User, &[], "my-analytics-school");
    let res = app
        .req(Method::POST, "/api/course-enrollment/orders")
        .platform("my-analytics-school")
        .bearer(&other)
        .json(&json!({"course_id": course["id"]}))
        .send()
        .await;
    res.assert_problem(404, "not_found");
    // a forged checkout signature
    expect_order(&rzp, "order_LMS2", 499_900).await;
    place(&app, &token, course["id"].as_str().unwrap()).await;
    let forged = app
        .call(
            Method::POST,
            "/api/course-enrollment/orders/verify",
            &token,
            Some(json!({"razorpay_order_id": "order_LMS2", "razorpay_payment_id": "pay_X", "razorpay_signature": "00"})),
        )
        .await;
    forged.assert_problem(400, "invalid_signature");
    // another user cannot verify someone else's order
    let (_, thief) = app.user(Role::User, &[], "mr-mentor");
    verify(&app, &thief, "order_LMS2", "pay_X")
        .await
        .assert_problem(404, "not_found");

    let keyless = testkit::spawn_app().await;
    let admin = keyless.admin_token();
    let course = common::course(&keyless, &admin, "c", true).await;
    place(
        &keyless,
        &keyless.user_token(),
        course["id"].as_str().unwrap(),
    )
    .await
    .assert_problem(503, "provider_not_configured");
}

#[tokio::test]
async fn the_daily_reconciliation_captures_missed_payments_and_expires_stale_orders() {
    let (app, rzp) = app_with_razorpay().await;
    let admin = app.admin_token();
    let (paid_user, paid_token) = app.user(Role::User, &[], "mr-mentor");
    let (_, idle_token) = app.user(Role::User, &[], "mr-mentor");
    let course = common::course(&app, &admin, "recon", true).await;
    let course_id = course["id"].as_str().unwrap();
    expect_order(&rzp, "order_PAID", 499_900).await;
    assert_eq!(place(&app, &paid_token, course_id).await.status, 201);
    expect_order(&rzp, "order_IDLE", 499_900).await;
    assert_eq!(place(&app, &idle_token, course_id).await.status, 201);
    // both were placed long ago; Razorpay says one was paid, the other never
    placed_hours_ago(&app, "order_PAID", 2).await;
    placed_hours_ago(&app, "order_IDLE", 25).await;
    Mock::given(method("GET"))
        .and(path("/v1/orders/order_PAID/payments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "entity": "collection", "count": 2, "items": [
                {"id": "pay_failed", "entity": "payment", "order_id": "order_PAID", "amount": 499_900,
                 "currency": "INR", "status": "failed", "captured": false, "amount_refunded": 0, "created_at": 1},
                {"id": "pay_ok", "entity": "payment", "order_id": "order_PAID", "amount": 499_900,
                 "currency": "INR", "status": "captured", "captured": true, "amount_refunded": 0, "created_at": 2}
            ]
        })))
        .mount(&rzp)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/orders/order_IDLE/payments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "entity": "collection", "count": 0, "items": []
        })))
        .mount(&rzp)
        .await;

    let worker = app.start_worker().await;
    app.jobs
        .enqueue("mr-mentor", &lms::workers::ReconcileCourseOrders {}, None)
        .await
        .unwrap();
    let statuses = eventually(20, || async {
        let rows = app
            .call(
                Method::GET,
                "/api/course-enrollment/orders",
                &paid_token,
                None,
            )
            .await
            .json();
        let idle = app
            .call(
                Method::GET,
                "/api/course-enrollment/orders",
                &idle_token,
                None,
            )
            .await
            .json();
        let pair = (
            rows["items"][0]["status"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            idle["items"][0]["status"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        );
        (pair.0 == "captured" && pair.1 == "expired").then_some(pair)
    })
    .await;
    worker.stop().await;
    assert!(
        statuses.is_some(),
        "the reconciliation did not capture and expire"
    );
    assert_eq!(
        count(&app, &format!("SELECT count(*) FROM enrollments WHERE user_id = '{paid_user}' AND source = 'payment'")).await,
        1
    );
    // a webhook arriving after the reconciliation changes nothing
    let late = payment_event("payment.captured", "order_PAID", "pay_ok", 499_900);
    assert_eq!(
        webhook(&app, "evt_late", &late).await.json()["status"],
        "already_credited"
    );
}

//! Razorpay as the tests play it: the order it creates (on a wiremock server), the HMAC
//! signatures it puts on a checkout and on a webhook delivery, and a signed delivery to
//! `POST /api/webhooks/razorpay`.

use reqwest::Method;
use serde_json::{Value, json};
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{body_partial_json, method, path},
};

use crate::{TestApp, TestResponse};

/// Razorpay creating order `order_id` for exactly `amount` paise in INR, once, and expected
/// once (checked when the server drops): an order request of any other amount finds no mock
/// (wiremock answers 404, and the purchase fails), so a test mounting it checks what the buyer
/// is charged.
pub async fn expect_order(server: &MockServer, order_id: &str, amount: i64) {
    Mock::given(method("POST"))
        .and(path("/v1/orders"))
        .and(body_partial_json(
            json!({"amount": amount, "currency": "INR"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": order_id, "entity": "order", "amount": amount, "currency": "INR",
            "receipt": "r", "status": "created"
        })))
        .up_to_n_times(1)
        .expect(1)
        .mount(server)
        .await;
}

/// Hex HMAC-SHA256 of `message` under `secret` (a webhook body under the webhook secret, or
/// `order_id|payment_id` under the key secret for a checkout).
pub fn signature(secret: &str, message: &str) -> String {
    kernel::crypto::hmac_sha256_hex(secret.as_bytes(), message.as_bytes())
}

/// Delivers `body` as Razorpay does: signed with `secret`, with the event id header.
pub async fn webhook(app: &TestApp, event_id: &str, body: &Value, secret: &str) -> TestResponse {
    let raw = body.to_string();
    app.req(Method::POST, "/api/webhooks/razorpay")
        .header("X-Razorpay-Signature", &signature(secret, &raw))
        .header("X-Razorpay-Event-Id", event_id)
        .body(raw, "application/json")
        .send()
        .await
}

//! Razorpay as the tests play it: the HMAC signatures Razorpay puts on a checkout and on a
//! webhook delivery, and a signed delivery to `POST /api/webhooks/razorpay`.

use reqwest::Method;
use serde_json::Value;

use crate::{TestApp, TestResponse};

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

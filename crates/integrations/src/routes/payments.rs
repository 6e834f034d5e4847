//! `POST /api/webhooks/razorpay`: Razorpay's webhook for every product that sells something
//! (public; the `X-Razorpay-Signature` over the raw body is the credential). Without
//! Razorpay keys it answers 503 `provider_not_configured`.

use actix_web::{HttpRequest, HttpResponse, post, web};
use kernel::error::AppResult;
use serde_json::json;

use crate::payments::Payments;

/// Razorpay's webhook. `payment.captured` captures the order once at the product that owns
/// it (token packs, course enrollments, …); `payment.failed` marks an unpaid order failed;
/// `refund.processed` publishes `refund.processed`; repeats of an event id are acknowledged
/// and ignored. The answer's `status` says what was done: `credited`, `already_credited`,
/// `recorded`, `duplicate`, `ignored`, `unknown_order`, `amount_mismatch`. A refund of an
/// order whose capture has not arrived is 409 `refund_before_capture` with nothing recorded:
/// Razorpay retries an answer that is not 2xx, and the refund then applies after the capture.
#[utoipa::path(tag = "payments", request_body(content = String, content_type = "application/json"),
    params(("X-Razorpay-Signature" = String, Header, description = "hex HMAC-SHA256 of the body"),
           ("X-Razorpay-Event-Id" = Option<String>, Header, description = "dedupe key")),
    responses((status = 200, description = "processed or ignored: `{status}`"), (status = 401, body = kernel::error::Problem), (status = 409, description = "`refund_before_capture`", body = kernel::error::Problem), (status = 503, body = kernel::error::Problem)))]
#[post("/api/webhooks/razorpay")]
pub async fn razorpay_webhook(
    req: HttpRequest,
    payments: web::Data<Payments>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let signature = header("X-Razorpay-Signature").unwrap_or_default();
    let outcome = payments
        .webhook(&body, &signature, header("X-Razorpay-Event-Id"))
        .await?;
    Ok(HttpResponse::Ok().json(json!({"status": outcome})))
}

//! Purchases: create a Razorpay order for a pack, verify the checkout, and the webhook.
//! Without Razorpay keys the purchase routes answer 503 `provider_not_configured` (fail
//! closed, as the seed does).

use actix_web::{HttpRequest, HttpResponse, post, web};
use integrations::razorpay::Razorpay;
use kernel::{AppContext, AppError, auth::AuthUser, error::AppResult, extract::ValidJson};
use serde_json::{Value, json};

use crate::{
    Tokens,
    dto::{PurchaseOrder, PurchaseRequest, Verified, VerifyRequest},
    packs,
    purchases::{self, WebhookOutcome},
};

fn razorpay(tokens: &Tokens) -> Result<&Razorpay, AppError> {
    tokens
        .razorpay
        .as_ref()
        .ok_or_else(|| AppError::provider_not_configured("Razorpay"))
}

/// Starts a purchase: a Razorpay order for the pack (its price at this moment).
#[utoipa::path(tag = "tokens", security(("bearer" = [])), request_body = PurchaseRequest,
    responses((status = 201, body = PurchaseOrder), (status = 404, body = kernel::error::Problem), (status = 502, body = kernel::error::Problem), (status = 503, body = kernel::error::Problem)))]
#[post("/purchase")]
pub async fn purchase(
    user: AuthUser,
    ctx: web::Data<AppContext>,
    tokens: web::Data<Tokens>,
    body: ValidJson<PurchaseRequest>,
) -> AppResult<HttpResponse> {
    let rzp = razorpay(&tokens)?;
    let pack = packs::on_sale_by_id(&ctx.db, user.tenant.id, body.0.pack_id)
        .await?
        .ok_or_else(|| AppError::not_found("no such token pack on sale"))?;
    let order_id = kernel::ids::new_id();
    // the provider call stays outside any transaction; an order we fail to record is an
    // unpaid Razorpay order, which costs nothing
    let order = rzp
        .create_order(
            pack.price_paise,
            &pack.currency,
            &order_id.to_string(),
            json!({"platform": user.tenant.slug, "user_id": user.id, "pack_id": pack.id}),
        )
        .await?;
    purchases::record_order(&ctx.db, user.tenant.id, user.id, &pack, order_id, &order.id).await?;
    Ok(HttpResponse::Created().json(PurchaseOrder {
        order_id,
        razorpay_order_id: order.id,
        amount_paise: pack.price_paise,
        currency: pack.currency,
        key_id: rzp.key_id().to_owned(),
        tokens: pack.tokens,
    }))
}

/// Verifies the checkout's signature and credits the tokens (once, whether the webhook came
/// first or not).
#[utoipa::path(tag = "tokens", security(("bearer" = [])), request_body = VerifyRequest,
    responses((status = 200, body = Verified), (status = 400, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem), (status = 503, body = kernel::error::Problem)))]
#[post("/purchase/verify")]
pub async fn verify(
    user: AuthUser,
    ctx: web::Data<AppContext>,
    tokens: web::Data<Tokens>,
    body: ValidJson<VerifyRequest>,
) -> AppResult<web::Json<Verified>> {
    let rzp = razorpay(&tokens)?;
    let b = body.into_inner();
    if !rzp.verify_checkout(
        &b.razorpay_order_id,
        &b.razorpay_payment_id,
        &b.razorpay_signature,
    ) {
        return Err(AppError::new(
            &crate::error::codes::INVALID_SIGNATURE,
            "the checkout signature does not match this order and payment",
        ));
    }
    let (credited, balance) = purchases::verify(
        &ctx.db,
        &user.tenant,
        user.id,
        &b.razorpay_order_id,
        &b.razorpay_payment_id,
    )
    .await?;
    if credited.changed {
        tokens.jobs.notify_committed();
    }
    Ok(web::Json(Verified {
        order_id: credited.order.id,
        tokens_credited: credited.order.tokens,
        balance,
    }))
}

/// Razorpay's webhook (public; the `X-Razorpay-Signature` over the raw body is the
/// credential). `payment.captured` credits the order once; `payment.failed` marks an unpaid
/// order failed; repeats of an event id are acknowledged and ignored.
#[utoipa::path(tag = "tokens", request_body(content = String, content_type = "application/json"),
    params(("X-Razorpay-Signature" = String, Header, description = "hex HMAC-SHA256 of the body"),
           ("X-Razorpay-Event-Id" = Option<String>, Header, description = "dedupe key")),
    responses((status = 200, description = "processed or ignored"), (status = 401, body = kernel::error::Problem), (status = 503, body = kernel::error::Problem)))]
#[post("/api/webhooks/razorpay")]
pub async fn webhook(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    tokens: web::Data<Tokens>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let rzp = razorpay(&tokens)?;
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let signature = header("X-Razorpay-Signature").unwrap_or_default();
    if !rzp.verify_webhook(&body, &signature) {
        return Err(AppError::new(
            &kernel::error::codes::INVALID_WEBHOOK_SIGNATURE,
            "X-Razorpay-Signature does not match the body",
        ));
    }
    let event: Value = kernel::extract::parse_json(&body)?;
    let name = event["event"].as_str().unwrap_or_default().to_owned();
    let event_id = header("X-Razorpay-Event-Id").unwrap_or_else(|| {
        // older deliveries carry no id header: the payment and event name identify them
        let payment = event
            .pointer("/payload/payment/entity/id")
            .and_then(Value::as_str);
        format!("{name}:{}", payment.unwrap_or_default())
    });
    let outcome = purchases::apply_webhook(&ctx, &event_id, &name, &event).await?;
    if outcome == WebhookOutcome::Credited {
        tokens.jobs.notify_committed();
    }
    Ok(HttpResponse::Ok().json(json!({"status": outcome})))
}

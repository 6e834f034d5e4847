//! Purchases: create a Razorpay order for a pack and verify the checkout, both through the
//! shared payments ([`integrations::payments::Payments`]); Razorpay's webhook is
//! integrations' (`POST /api/webhooks/razorpay`), which reaches token orders through
//! [`TokenPacks`]. Without Razorpay keys the purchase routes answer 503
//! `provider_not_configured` (fail closed, as the seed does).

use actix_web::{HttpResponse, post, web};
use integrations::payments::{CheckoutVerification, Payments};
use kernel::{AppContext, AppError, auth::AuthUser, error::AppResult, extract::ValidJson};
use serde_json::json;

use crate::{
    dto::{PurchaseOrder, PurchaseRequest, Verified},
    packs,
    purchases::{self, TokenPacks},
};

/// Starts a purchase: a Razorpay order for the pack (its price at this moment).
#[utoipa::path(tag = "tokens", security(("bearer" = [])), request_body = PurchaseRequest,
    responses((status = 201, body = PurchaseOrder), (status = 404, body = kernel::error::Problem), (status = 502, body = kernel::error::Problem), (status = 503, body = kernel::error::Problem)))]
#[post("/purchase")]
pub async fn purchase(
    user: AuthUser,
    ctx: web::Data<AppContext>,
    payments: web::Data<Payments>,
    body: ValidJson<PurchaseRequest>,
) -> AppResult<HttpResponse> {
    let rzp = payments.razorpay()?;
    let pack = packs::on_sale_by_id(&ctx.db, user.tenant.id, body.0.pack_id)
        .await?
        .ok_or_else(|| AppError::not_found("no such token pack on sale"))?;
    let order_id = kernel::ids::new_id();
    let amount = pack.charged_paise();
    // the provider call stays outside any transaction; an order we fail to record is an
    // unpaid Razorpay order, which costs nothing
    let order = rzp
        .create_order(
            amount,
            &pack.currency,
            &order_id.to_string(),
            json!({"platform": user.tenant.slug, "user_id": user.id, "pack_id": pack.id}),
        )
        .await?;
    purchases::record_order(&ctx.db, user.tenant.id, user.id, &pack, order_id, &order.id).await?;
    Ok(HttpResponse::Created().json(PurchaseOrder {
        order_id,
        razorpay_order_id: order.id,
        amount_paise: amount,
        currency: pack.currency,
        key_id: rzp.key_id().to_owned(),
        tokens: pack.tokens,
    }))
}

/// Verifies the checkout's signature and credits the tokens (once, whether the webhook came
/// first or not).
#[utoipa::path(tag = "tokens", security(("bearer" = [])), request_body = CheckoutVerification,
    responses((status = 200, body = Verified), (status = 400, body = kernel::error::Problem), (status = 404, body = kernel::error::Problem), (status = 503, body = kernel::error::Problem)))]
#[post("/purchase/verify")]
pub async fn verify(
    user: AuthUser,
    ctx: web::Data<AppContext>,
    payments: web::Data<Payments>,
    body: ValidJson<CheckoutVerification>,
) -> AppResult<web::Json<Verified>> {
    let captured = payments
        .verify_checkout(&TokenPacks, &user.tenant, user.id, &body.0)
        .await?;
    let (tokens_credited, balance) =
        purchases::verified(&ctx.db, &user.tenant, user.id, captured.order.id).await?;
    Ok(web::Json(Verified {
        order_id: captured.order.id,
        tokens_credited,
        balance,
    }))
}

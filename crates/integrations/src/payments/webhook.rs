//! Applying one signature-checked Razorpay webhook event, once per event id, in one
//! transaction: the id goes into `razorpay_events` (`ON CONFLICT DO NOTHING`: a repeat
//! changes nothing), then the event goes to the product that owns its order.

use kernel::{AppContext, AppError};
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
use serde::Serialize;
use serde_json::Value;

use super::{
    capture::{capture_locked, tenant_of},
    events::RefundProcessed,
    product::{PaymentProducts, RefundInfo},
};
use crate::razorpay::PaymentEvent;

/// What the webhook did with an event (the `status` of its answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WebhookOutcome {
    /// The event id was seen before: nothing done.
    Duplicate,
    /// No payment in it, or an event we do not act on.
    Ignored,
    /// No registered product owns the payment's order.
    UnknownOrder,
    /// Captured for another amount or currency than the order's: not captured.
    AmountMismatch,
    /// Captured and delivered now.
    Credited,
    /// Captured, delivered before (by the checkout's verification or an earlier event).
    AlreadyCredited,
    /// A failed payment or a processed refund recorded on its order.
    Recorded,
}

/// The dedupe key of a delivery: `X-Razorpay-Event-Id`, or for older deliveries without it
/// the event name and the refund's or payment's id.
pub fn event_key(header: Option<String>, name: &str, event: &Value) -> String {
    header.unwrap_or_else(|| {
        let entity = event
            .pointer("/payload/refund/entity/id")
            .or_else(|| event.pointer("/payload/payment/entity/id"))
            .and_then(Value::as_str);
        format!("{name}:{}", entity.unwrap_or_default())
    })
}

/// The refund of a `refund.*` event.
fn refund_of(event: &Value, payment: &PaymentEvent) -> Option<RefundInfo> {
    let entity = event.pointer("/payload/refund/entity")?;
    Some(RefundInfo {
        refund_id: entity.get("id")?.as_str()?.to_owned(),
        payment_id: payment.payment_id.clone(),
        amount_paise: entity.get("amount")?.as_i64()?,
        currency: entity
            .get("currency")
            .and_then(Value::as_str)
            .unwrap_or(&payment.currency)
            .to_owned(),
    })
}

/// Applies an event once per `event_id`: `payment.captured` captures the order once (refused
/// when the amount or currency differs), `payment.failed` records the failure on an unpaid
/// order, `refund.processed` publishes `refund.processed` and tells the product once the order
/// is paid (before that it is refused with 409 `refund_before_capture` and nothing is kept,
/// so Razorpay delivers it again after the capture).
pub async fn apply(
    ctx: &AppContext,
    products: &PaymentProducts,
    event_id: &str,
    name: &str,
    event: &Value,
) -> Result<WebhookOutcome, AppError> {
    let txn = ctx.db.begin().await?;
    let fresh = txn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO razorpay_events (event_id, event, payload) VALUES ($1, $2, $3)
             ON CONFLICT (event_id) DO NOTHING",
            [event_id.into(), name.into(), event.clone().into()],
        ))
        .await?
        .rows_affected()
        == 1;
    if !fresh {
        return Ok(WebhookOutcome::Duplicate);
    }
    let Some(payment) = PaymentEvent::parse(event) else {
        txn.commit().await?;
        return Ok(WebhookOutcome::Ignored);
    };
    let Some((product, order)) = products.lock_order(&txn, &payment.order_id).await? else {
        tracing::warn!(order = %payment.order_id, event = %name, "Razorpay event for an unknown order");
        txn.commit().await?;
        return Ok(WebhookOutcome::UnknownOrder);
    };
    let outcome = match name {
        "payment.captured" => {
            if payment.amount != order.amount_paise || payment.currency != order.currency {
                tracing::error!(order = %order.id, item = product.kind(), paid = payment.amount,
                    expected = order.amount_paise, "captured amount differs from the order");
                txn.commit().await?;
                return Ok(WebhookOutcome::AmountMismatch);
            }
            let tenant = tenant_of(ctx, &txn, order.platform_id).await?;
            let captured =
                capture_locked(&txn, &tenant, product.as_ref(), order, &payment.payment_id).await?;
            if captured.changed {
                WebhookOutcome::Credited
            } else {
                WebhookOutcome::AlreadyCredited
            }
        }
        "payment.failed" => {
            if !order.paid {
                let reason = payment.error.as_deref().unwrap_or("payment failed");
                product.fail(&txn, &order, reason).await?;
            }
            WebhookOutcome::Recorded
        }
        "refund.processed" => {
            if !order.paid {
                // the capture (which Razorpay retries) has not arrived: recording the refund
                // now would leave it unapplied when the capture credits the order, so the
                // whole delivery is rolled back (its event id too) and answered 409, and
                // Razorpay delivers it again
                tracing::warn!(order = %order.id, item = product.kind(), "refund before the capture: left for Razorpay to deliver again");
                return Err(AppError::new(
                    &crate::error::codes::REFUND_BEFORE_CAPTURE,
                    "the order's payment is not captured yet; deliver this refund again later",
                ));
            }
            let Some(refund) = refund_of(event, &payment) else {
                txn.commit().await?;
                return Ok(WebhookOutcome::Ignored);
            };
            let tenant = tenant_of(ctx, &txn, order.platform_id).await?;
            product.refund(&txn, &tenant, &order, &refund).await?;
            let published = RefundProcessed {
                order_id: order.id,
                user_id: order.user_id,
                platform_id: tenant.id,
                amount_paise: refund.amount_paise,
                currency: refund.currency,
                item: product.kind().to_owned(),
                razorpay_payment_id: refund.payment_id,
                razorpay_refund_id: refund.refund_id,
            };
            jobs::outbox::publish_in(&txn, &tenant, &published).await?;
            WebhookOutcome::Recorded
        }
        _ => WebhookOutcome::Ignored,
    };
    txn.commit().await?;
    Ok(outcome)
}

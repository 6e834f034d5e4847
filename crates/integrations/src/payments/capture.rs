//! Capturing an order, written once for every product: under the product's row lock, a paid
//! order is left alone (so the checkout verification and the webhook, whichever comes
//! second, change nothing), otherwise the product delivers and `payment.captured` goes to the
//! outbox in the same transaction.

use std::sync::Arc;

use kernel::{AppContext, AppError, Tenant, tenant::entity as platforms};
use sea_orm::{DatabaseConnection, DatabaseTransaction, EntityTrait, TransactionTrait};
use uuid::Uuid;

use super::{
    events::PaymentCaptured,
    product::{PayableOrder, PaymentProduct},
};
use crate::IntegrationsError;

/// What a capture did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Captured {
    /// The order (as locked, before the capture marked it paid).
    pub order: PayableOrder,
    /// False when the order had been captured before.
    pub changed: bool,
}

/// Captures a locked order once: nothing when it is `paid`, else the product's
/// [`PaymentProduct::capture`] and `payment.captured` through the outbox, in `txn`.
pub async fn capture_locked(
    txn: &DatabaseTransaction,
    tenant: &Tenant,
    product: &dyn PaymentProduct,
    order: PayableOrder,
    payment_id: &str,
) -> Result<Captured, AppError> {
    if order.paid {
        return Ok(Captured {
            order,
            changed: false,
        });
    }
    let item = product.capture(txn, tenant, &order, payment_id).await?;
    let event = PaymentCaptured {
        order_id: order.id,
        user_id: order.user_id,
        platform_id: tenant.id,
        amount_paise: order.amount_paise,
        currency: order.currency.clone(),
        item: product.kind().to_owned(),
        item_id: item.item_id,
        description: item.description,
        gst_inclusive: item.gst_inclusive,
        tokens: item.tokens,
        razorpay_payment_id: payment_id.to_owned(),
        captured_at: Some(chrono::Utc::now()),
    };
    jobs::outbox::publish_in(txn, tenant, &event).await?;
    tracing::info!(order_id = %order.id, item = product.kind(), "payment captured");
    Ok(Captured {
        order,
        changed: true,
    })
}

/// The checkout of `user_id` on `tenant` verified (the caller checked its signature):
/// captures their order of `product` in one transaction. 404 when the order is not theirs,
/// not on this platform, or not this product's.
pub async fn verify(
    db: &DatabaseConnection,
    product: &dyn PaymentProduct,
    tenant: &Tenant,
    user_id: Uuid,
    razorpay_order_id: &str,
    payment_id: &str,
) -> Result<Captured, AppError> {
    let txn = db.begin().await?;
    let order = product
        .lock_order(&txn, razorpay_order_id)
        .await?
        .filter(|o| o.user_id == user_id && o.platform_id == tenant.id)
        .ok_or(IntegrationsError::NotFound("order"))?;
    let captured = capture_locked(&txn, tenant, product, order, payment_id).await?;
    txn.commit().await?;
    Ok(captured)
}

/// The platform an order was placed on, as a tenant (the webhook knows no platform).
pub async fn tenant_of(
    ctx: &AppContext,
    txn: &DatabaseTransaction,
    platform_id: Uuid,
) -> Result<Arc<Tenant>, AppError> {
    let platform = platforms::Entity::find_by_id(platform_id)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::not_found("platform of the order"))?;
    ctx.tenants.resolve(&ctx.db, Some(&platform.slug)).await
}

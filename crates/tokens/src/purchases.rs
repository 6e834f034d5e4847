//! Token packs as a product sold through the shared payments ([`integrations::payments`]):
//! [`TokenPacks`] is tokens' [`PaymentProduct`], registered by the gateway. The checkout
//! verification and the Razorpay webhook (both in `integrations`) lock the order through
//! it and, once per order, call [`TokenPacks::capture`]: the tokens are credited (transfer key
//! `purchase:<order id>`) and the order marked paid in the caller's transaction, and the
//! shared code publishes `payment.captured` with it.

use chrono::Utc;
use integrations::payments::{CapturedItem, PayableOrder, PaymentFuture, PaymentProduct};
use kernel::{AppError, Tenant};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr,
    EntityTrait, QueryFilter, QuerySelect, sea_query::LockType,
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    entities::{
        token_orders::{self, OrderStatus},
        token_packs,
    },
    error::TokensError,
    ledger::{self, Account, AccountKind, NewTransfer, TransferKind},
};

/// The item kind of token packs in payment events.
pub const ITEM_KIND: &str = "token_pack";

/// Token packs, the product (registered in `gateway::app::payment_products`).
#[derive(Debug, Clone, Copy, Default)]
pub struct TokenPacks;

/// Locks an order by Razorpay id.
pub async fn lock_order(
    txn: &DatabaseTransaction,
    razorpay_order_id: &str,
) -> Result<Option<token_orders::Model>, DbErr> {
    token_orders::Entity::find()
        .filter(token_orders::Column::RazorpayOrderId.eq(razorpay_order_id))
        .lock(LockType::Update)
        .one(txn)
        .await
}

/// The order's view for the shared payment code.
fn payable(order: &token_orders::Model) -> PayableOrder {
    PayableOrder {
        id: order.id,
        platform_id: order.platform_id,
        user_id: order.user_id,
        amount_paise: order.amount_paise,
        currency: order.currency.clone(),
        paid: order.status == OrderStatus::Paid,
    }
}

/// Credits a locked, unpaid order's tokens and marks it paid; what it bought, for the event.
pub async fn credit(
    txn: &DatabaseTransaction,
    order_id: Uuid,
    payment_id: &str,
) -> Result<CapturedItem, TokensError> {
    let order = token_orders::Entity::find_by_id(order_id)
        .one(txn)
        .await?
        .ok_or(TokensError::NotFound("order"))?;
    let posted = ledger::transfer(
        txn,
        NewTransfer {
            platform_id: order.platform_id,
            key: &format!("purchase:{}", order.id),
            kind: TransferKind::Purchase,
            from: Account::platform(AccountKind::PlatformPurchases),
            to: Account::available(order.user_id),
            amount: order.tokens,
            hold_id: None,
            reason: "",
            metadata: json!({
                "order_id": order.id,
                "razorpay_order_id": order.razorpay_order_id,
                "razorpay_payment_id": payment_id,
            }),
            created_by: Some(order.user_id),
        },
    )
    .await?;
    let pack = token_packs::Entity::find_by_id(order.pack_id)
        .one(txn)
        .await?;
    let item = CapturedItem {
        item_id: order.pack_id,
        description: match &pack {
            Some(p) => format!("{}: {} tokens", p.name, order.tokens),
            None => format!("{} tokens", order.tokens),
        },
        // the column's default when the pack is gone
        gst_inclusive: pack.as_ref().is_none_or(|p| p.gst_inclusive),
        tokens: Some(order.tokens),
    };
    let tokens = order.tokens;
    let mut active: token_orders::ActiveModel = order.into();
    active.status = Set(OrderStatus::Paid);
    active.razorpay_payment_id = Set(Some(payment_id.to_owned()));
    active.credited_transfer = Set(Some(posted.transfer.id));
    active.failure_reason = Set(None);
    active.updated_at = Set(Utc::now());
    let order = active.update(txn).await?;
    tracing::info!(order_id = %order.id, tokens, "token purchase credited");
    Ok(item)
}

/// Marks a locked, unpaid order failed.
pub async fn fail(
    txn: &DatabaseTransaction,
    order_id: Uuid,
    reason: &str,
) -> Result<(), TokensError> {
    token_orders::ActiveModel {
        id: Set(order_id),
        status: Set(OrderStatus::Failed),
        failure_reason: Set(Some(reason.to_owned())),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .update(txn)
    .await?;
    Ok(())
}

impl PaymentProduct for TokenPacks {
    fn kind(&self) -> &'static str {
        ITEM_KIND
    }

    fn lock_order<'a>(
        &'a self,
        txn: &'a DatabaseTransaction,
        razorpay_order_id: &'a str,
    ) -> PaymentFuture<'a, Option<PayableOrder>> {
        Box::pin(async move {
            let order = lock_order(txn, razorpay_order_id).await?;
            Ok::<_, AppError>(order.as_ref().map(payable))
        })
    }

    fn capture<'a>(
        &'a self,
        txn: &'a DatabaseTransaction,
        _tenant: &'a Tenant,
        order: &'a PayableOrder,
        payment_id: &'a str,
    ) -> PaymentFuture<'a, CapturedItem> {
        Box::pin(async move { Ok::<_, AppError>(credit(txn, order.id, payment_id).await?) })
    }

    fn fail<'a>(
        &'a self,
        txn: &'a DatabaseTransaction,
        order: &'a PayableOrder,
        reason: &'a str,
    ) -> PaymentFuture<'a, ()> {
        Box::pin(async move { Ok::<_, AppError>(fail(txn, order.id, reason).await?) })
    }
}

/// Records the order of a purchase of `pack` just created at Razorpay (`created`, at the
/// pack's price at this moment).
pub async fn record_order<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
    pack: &token_packs::Model,
    order_id: Uuid,
    razorpay_order_id: &str,
) -> Result<token_orders::Model, DbErr> {
    let now = Utc::now();
    token_orders::ActiveModel {
        id: Set(order_id),
        platform_id: Set(platform_id),
        user_id: Set(user_id),
        pack_id: Set(pack.id),
        tokens: Set(pack.tokens),
        amount_paise: Set(pack.price_paise),
        currency: Set(pack.currency.clone()),
        razorpay_order_id: Set(razorpay_order_id.to_owned()),
        razorpay_payment_id: Set(None),
        status: Set(OrderStatus::Created),
        failure_reason: Set(None),
        credited_transfer: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(conn)
    .await
}

/// What a verified checkout answers: the order's tokens and the buyer's balance now.
pub async fn verified<C: ConnectionTrait>(
    conn: &C,
    tenant: &Tenant,
    user_id: Uuid,
    order_id: Uuid,
) -> Result<(i64, ledger::Balance), TokensError> {
    let order = token_orders::Entity::find_by_id(order_id)
        .one(conn)
        .await?
        .ok_or(TokensError::NotFound("order"))?;
    let balance = ledger::balance(conn, tenant.id, user_id).await?;
    Ok((order.tokens, balance))
}

//! Purchases through Razorpay. The checkout verification and the `payment.captured` webhook
//! both call [`credit`]: it locks the order, credits the tokens once (transfer key
//! `purchase:<order id>`), marks the order paid and publishes `payment.captured` through the
//! outbox, all in one transaction — whichever arrives first credits, the other changes
//! nothing.

use chrono::Utc;
use kernel::Tenant;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QuerySelect, sea_query::LockType,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::{
    entities::token_orders,
    error::TokensError,
    ledger::{self, Account, AccountKind, NewTransfer, TransferKind},
};

/// Domain event: a payment was captured and its tokens credited (finance invoices it).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PaymentCaptured {
    /// Our order id.
    pub order_id: Uuid,
    /// Buyer.
    pub user_id: Uuid,
    /// Amount paid in paise.
    pub amount_paise: i64,
    /// ISO currency.
    pub currency: String,
    /// Tokens credited.
    pub tokens: i64,
    /// What was bought.
    pub item: String,
    /// Razorpay's payment id.
    pub razorpay_payment_id: String,
}

impl jobs::EventSpec for PaymentCaptured {
    const NAME: &'static str = "payment.captured";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// What [`credit`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credited {
    /// The order after crediting.
    pub order: token_orders::Model,
    /// False when the order had already been credited.
    pub changed: bool,
}

/// Locks an order by Razorpay id.
pub async fn lock_order(
    txn: &DatabaseTransaction,
    razorpay_order_id: &str,
) -> Result<Option<token_orders::Model>, sea_orm::DbErr> {
    token_orders::Entity::find()
        .filter(token_orders::Column::RazorpayOrderId.eq(razorpay_order_id))
        .lock(LockType::Update)
        .one(txn)
        .await
}

/// Credits a locked order once.
pub async fn credit(
    txn: &DatabaseTransaction,
    tenant: &Tenant,
    order: token_orders::Model,
    payment_id: &str,
) -> Result<Credited, TokensError> {
    if order.status == "paid" {
        return Ok(Credited {
            order,
            changed: false,
        });
    }
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
    let event = PaymentCaptured {
        order_id: order.id,
        user_id: order.user_id,
        amount_paise: order.amount_paise,
        currency: order.currency.clone(),
        tokens: order.tokens,
        item: "token_pack".into(),
        razorpay_payment_id: payment_id.to_owned(),
    };
    let mut active: token_orders::ActiveModel = order.into();
    active.status = Set("paid".into());
    active.razorpay_payment_id = Set(Some(payment_id.to_owned()));
    active.credited_transfer = Set(Some(posted.transfer.id));
    active.failure_reason = Set(None);
    active.updated_at = Set(Utc::now());
    let order = active.update(txn).await?;
    jobs::outbox::publish_in(txn, tenant, &event).await?;
    tracing::info!(order_id = %order.id, tokens = order.tokens, "token purchase credited");
    Ok(Credited {
        order,
        changed: true,
    })
}

/// Marks a locked order failed unless it was paid (a late failure of one attempt does not
/// undo a capture).
pub async fn fail(
    txn: &DatabaseTransaction,
    order: token_orders::Model,
    reason: Option<String>,
) -> Result<token_orders::Model, TokensError> {
    if order.status == "paid" {
        return Ok(order);
    }
    let mut active: token_orders::ActiveModel = order.into();
    active.status = Set("failed".into());
    active.failure_reason = Set(reason.or(Some("payment failed".into())));
    active.updated_at = Set(Utc::now());
    Ok(active.update(txn).await?)
}

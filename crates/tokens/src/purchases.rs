//! Purchases through Razorpay. The checkout verification and the `payment.captured` webhook
//! both call [`credit`]: it locks the order, credits the tokens once (transfer key
//! `purchase:<order id>`), marks the order paid and publishes `payment.captured` through the
//! outbox, all in one transaction — whichever arrives first credits, the other changes
//! nothing.

use chrono::Utc;
use integrations::razorpay::PaymentEvent;
use kernel::{AppContext, AppError, Tenant, tenant::entity as platforms};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, DbBackend, DbErr, EntityTrait, QueryFilter, QuerySelect, Statement,
    TransactionTrait, sea_query::LockType,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    entities::{
        token_orders::{self, OrderStatus},
        token_packs,
    },
    error::TokensError,
    ledger::{self, Account, AccountKind, Balance, NewTransfer, TransferKind},
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
    if order.status == OrderStatus::Paid {
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
    active.status = Set(OrderStatus::Paid);
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
    if order.status == OrderStatus::Paid {
        return Ok(order);
    }
    let mut active: token_orders::ActiveModel = order.into();
    active.status = Set(OrderStatus::Failed);
    active.failure_reason = Set(reason.or(Some("payment failed".into())));
    active.updated_at = Set(Utc::now());
    Ok(active.update(txn).await?)
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

/// Credits the buyer's verified checkout of their order (404 when the order is not theirs on
/// this platform), in one transaction; also their balance afterwards.
pub async fn verify(
    db: &DatabaseConnection,
    tenant: &Tenant,
    user_id: Uuid,
    razorpay_order_id: &str,
    payment_id: &str,
) -> Result<(Credited, Balance), TokensError> {
    let txn = db.begin().await?;
    let order = lock_order(&txn, razorpay_order_id)
        .await?
        .filter(|o| o.user_id == user_id && o.platform_id == tenant.id)
        .ok_or(TokensError::NotFound("order"))?;
    let credited = credit(&txn, tenant, order, payment_id).await?;
    let balance = ledger::balance(&txn, tenant.id, user_id).await?;
    txn.commit().await?;
    Ok((credited, balance))
}

/// What the webhook did with an event (the `status` of its answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WebhookOutcome {
    /// The event id was seen before: nothing done.
    Duplicate,
    /// No payment in it, or an event we do not act on.
    Ignored,
    /// The payment's order is not ours.
    UnknownOrder,
    /// Captured for another amount or currency than the order's: not credited.
    AmountMismatch,
    /// Captured and credited now.
    Credited,
    /// Captured, credited before (by the checkout's verification).
    AlreadyCredited,
    /// A failed payment recorded on its order.
    Recorded,
}

/// Applies a signature-checked Razorpay event once per `event_id`, in one transaction:
/// `payment.captured` credits the order once, `payment.failed` marks an unpaid order failed.
pub async fn apply_webhook(
    ctx: &AppContext,
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
    let Some(order) = lock_order(&txn, &payment.order_id).await? else {
        tracing::warn!(order = %payment.order_id, event = %name, "Razorpay event for an unknown order");
        txn.commit().await?;
        return Ok(WebhookOutcome::UnknownOrder);
    };
    let outcome = match name {
        "payment.captured" => {
            if payment.amount != order.amount_paise || payment.currency != order.currency {
                tracing::error!(order = %order.id, paid = payment.amount, expected = order.amount_paise, "captured amount differs from the order");
                txn.commit().await?;
                return Ok(WebhookOutcome::AmountMismatch);
            }
            let platform = platforms::Entity::find_by_id(order.platform_id)
                .one(&txn)
                .await?
                .ok_or_else(|| AppError::not_found("platform of the order"))?;
            let tenant = ctx.tenants.resolve(&ctx.db, Some(&platform.slug)).await?;
            let credited = credit(&txn, &tenant, order, &payment.payment_id).await?;
            if credited.changed {
                WebhookOutcome::Credited
            } else {
                WebhookOutcome::AlreadyCredited
            }
        }
        "payment.failed" => {
            fail(&txn, order, payment.error).await?;
            WebhookOutcome::Recorded
        }
        _ => WebhookOutcome::Ignored,
    };
    txn.commit().await?;
    Ok(outcome)
}

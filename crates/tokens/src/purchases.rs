//! Token packs as a product sold through the shared payments ([`integrations::payments`]):
//! [`TokenPacks`] is tokens' [`PaymentProduct`], registered by the gateway. The checkout
//! verification and the Razorpay webhook (both in `integrations`) lock the order through
//! it and, once per order, call [`TokenPacks::capture`]: the tokens are credited (transfer key
//! `purchase:<order id>`) and the order marked paid in the caller's transaction, and the
//! shared code publishes `payment.captured` with it.

use chrono::Utc;
use integrations::payments::{
    CapturedItem, PayableOrder, PaymentFuture, PaymentProduct, RefundInfo,
};
use kernel::{AppError, Tenant};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    DbBackend, DbErr, EntityTrait, FromQueryResult, QueryFilter, QuerySelect, Statement,
    sea_query::LockType,
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

/// What [`reverse`] took back for one refund.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reversed {
    /// Tokens the refund is worth (the order's tokens in proportion, cumulative floor).
    pub due: i64,
    /// Tokens taken from the buyer's available balance (at most what they have).
    pub debited: i64,
}

impl Reversed {
    /// Tokens due that the buyer had already spent or has held for bookings (not taken back).
    pub fn unrecovered(self) -> i64 {
        self.due - self.debited
    }
}

/// The tokens worth `paise` of an order of `tokens` for `amount` paise, rounded down.
fn tokens_for(tokens: i64, paise: i64, amount: i64) -> i64 {
    if amount <= 0 {
        return 0;
    }
    // i128: tokens * paise overflows i64 only for absurd orders, but never panics here
    i64::try_from(i128::from(tokens) * i128::from(paise) / i128::from(amount)).unwrap_or(tokens)
}

/// Takes back the tokens of a refund of a paid order, in the caller's transaction, under the
/// order's row lock (ADR 0068): the tokens due are the order's tokens in proportion to the
/// amount refunded, counted cumulatively (`floor(tokens x refunded so far / amount)` less what
/// the earlier refunds were due), so partial refunds that add up to the whole payment take back
/// exactly the tokens bought. The transfer (`purchase_refund`, key `refund:<refund id>`) takes
/// at most the buyer's available balance, read under its row lock: the balance never goes
/// below zero and tokens already spent or held for a booking are not taken back (the
/// shortfall is logged and kept in the transfer's metadata). The refund is applied once per
/// (order, refund id): a `token_order_refunds` row inserted first (`ON CONFLICT DO NOTHING`)
/// makes the same refund delivered again under another event id change nothing, even after
/// a capped reversal that moved no tokens. An unpaid order changes nothing.
pub async fn reverse(
    txn: &DatabaseTransaction,
    order_id: Uuid,
    refund: &RefundInfo,
) -> Result<Reversed, TokensError> {
    let order = token_orders::Entity::find_by_id(order_id)
        .lock(LockType::Update)
        .one(txn)
        .await?
        .ok_or(TokensError::NotFound("order"))?;
    if order.status != OrderStatus::Paid || refund.amount_paise <= 0 {
        return Ok(Reversed::default());
    }
    let key = format!("refund:{}", refund.refund_id);
    // once per (order, refund id), whatever the cap did: the row goes in first (under the
    // order's lock) and a refund already applied, under any event id, changes nothing
    let fresh = txn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO token_order_refunds (order_id, refund_id, platform_id, amount_paise, due, debited)
             VALUES ($1, $2, $3, $4, 0, 0)
             ON CONFLICT (order_id, refund_id) DO NOTHING",
            [
                order.id.into(),
                refund.refund_id.clone().into(),
                order.platform_id.into(),
                refund.amount_paise.into(),
            ],
        ))
        .await?
        .rows_affected()
        == 1;
    if !fresh
        || ledger::find_by_key(txn, order.platform_id, &key)
            .await?
            .is_some()
    {
        tracing::info!(order_id = %order.id, "refund already applied to the order: nothing more");
        return Ok(Reversed::default());
    }
    let before = order.refunded_paise;
    let after = (before + refund.amount_paise).min(order.amount_paise);
    let due = tokens_for(order.tokens, after, order.amount_paise)
        - tokens_for(order.tokens, before, order.amount_paise);
    let account =
        ledger::account_id(txn, order.platform_id, Account::available(order.user_id)).await?;
    #[derive(FromQueryResult)]
    struct Row {
        balance: i64,
    }
    let available = Row::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT balance FROM ledger_accounts WHERE id = $1 FOR UPDATE",
        [account.into()],
    ))
    .one(txn)
    .await?
    .map_or(0, |r| r.balance);
    let debited = due.min(available).max(0);
    if debited > 0 {
        ledger::transfer(
            txn,
            NewTransfer {
                platform_id: order.platform_id,
                key: &key,
                kind: TransferKind::PurchaseRefund,
                from: Account::available(order.user_id),
                to: Account::platform(AccountKind::PlatformPurchases),
                amount: debited,
                hold_id: None,
                reason: "payment refunded",
                metadata: json!({
                    "order_id": order.id,
                    "razorpay_payment_id": refund.payment_id,
                    "razorpay_refund_id": refund.refund_id,
                    "refund_paise": refund.amount_paise,
                    "due": due,
                    "unrecovered": due - debited,
                }),
                created_by: None,
            },
        )
        .await?;
    }
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE token_order_refunds SET due = $3, debited = $4
          WHERE order_id = $1 AND refund_id = $2",
        [
            order.id.into(),
            refund.refund_id.clone().into(),
            due.into(),
            debited.into(),
        ],
    ))
    .await?;
    let reversed = Reversed { due, debited };
    if reversed.unrecovered() > 0 {
        tracing::warn!(order_id = %order.id, due, debited, "refunded tokens already spent: not taken back");
    }
    let mut active: token_orders::ActiveModel = order.into();
    active.refunded_paise = Set(after);
    active.updated_at = Set(Utc::now());
    active.update(txn).await?;
    tracing::info!(order_id = %order_id, due, debited, "token purchase refunded");
    Ok(reversed)
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

    fn refund<'a>(
        &'a self,
        txn: &'a DatabaseTransaction,
        _tenant: &'a Tenant,
        order: &'a PayableOrder,
        refund: &'a RefundInfo,
    ) -> PaymentFuture<'a, ()> {
        Box::pin(async move {
            reverse(txn, order.id, refund).await?;
            Ok::<_, AppError>(())
        })
    }
}

/// Records the order of a purchase of `pack` just created at Razorpay (`created`, at what the
/// pack costs at this moment, GST included: [`token_packs::Model::charged_paise`]).
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
        amount_paise: Set(pack.charged_paise()),
        currency: Set(pack.currency.clone()),
        razorpay_order_id: Set(razorpay_order_id.to_owned()),
        razorpay_payment_id: Set(None),
        status: Set(OrderStatus::Created),
        failure_reason: Set(None),
        credited_transfer: Set(None),
        refunded_paise: Set(0),
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

#[cfg(test)]
mod tests {
    use super::tokens_for;

    #[test]
    fn partial_refunds_add_up_to_the_tokens_bought() {
        // 50 tokens for Rs 499: Rs 100 + Rs 100 + Rs 299 back
        let (tokens, amount) = (50, 49_900);
        let steps = [10_000, 20_000, 49_900];
        let mut before = 0;
        let mut total = 0;
        let mut dues = Vec::new();
        for after in steps {
            let due = tokens_for(tokens, after, amount) - tokens_for(tokens, before, amount);
            dues.push(due);
            total += due;
            before = after;
        }
        // floor(50 * 100/499) = 10, floor(50 * 200/499) = 20 -> 10, then the rest 30
        assert_eq!(dues, vec![10, 10, 30]);
        assert_eq!(total, tokens);
        assert_eq!(tokens_for(tokens, 0, amount), 0);
        assert_eq!(tokens_for(tokens, 1, 0), 0);
    }
}

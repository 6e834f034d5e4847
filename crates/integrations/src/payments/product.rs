//! What a product that sells something implements ([`PaymentProduct`]) and the registry the
//! gateway fills ([`PaymentProducts`]). The shared code ([`super::capture`]) does everything
//! that is the same for every product: it finds the product owning a Razorpay order, refuses
//! an amount or currency that differs from the order, captures an order at most once (the
//! product's row lock, `paid` read under it), publishes `payment.captured` /
//! `refund.processed`; the product only says what its orders look like and what a capture
//! means for it (credit tokens, enroll).

use std::{collections::BTreeMap, fmt, future::Future, pin::Pin, sync::Arc};

use kernel::{AppError, Tenant};
use sea_orm::DatabaseTransaction;
use uuid::Uuid;

/// What a product's method returns (boxed, so the trait stays object-safe).
pub type PaymentFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, AppError>> + Send + 'a>>;

/// A product's order as the shared payment code sees it, read under the product's row lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayableOrder {
    /// The product's own order id (the Razorpay receipt).
    pub id: Uuid,
    /// The platform the order was placed on.
    pub platform_id: Uuid,
    /// The buyer.
    pub user_id: Uuid,
    /// The price the order was created for, in paise.
    pub amount_paise: i64,
    /// Its ISO currency.
    pub currency: String,
    /// Whether a capture was already applied (then nothing is applied again).
    pub paid: bool,
}

/// What a capture delivered, for the `payment.captured` event finance invoices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapturedItem {
    /// The thing bought (the token pack's id, the course's id).
    pub item_id: Uuid,
    /// The invoice line (`Starter 50: 50 tokens`).
    pub description: String,
    /// Whether the price was stated inclusive of GST (the amount charged includes it either
    /// way).
    pub gst_inclusive: bool,
    /// Tokens credited, for token packs.
    pub tokens: Option<i64>,
}

/// A refund Razorpay processed on a payment of an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundInfo {
    /// `rfnd_...`.
    pub refund_id: String,
    /// `pay_...`.
    pub payment_id: String,
    /// Amount refunded, in paise.
    pub amount_paise: i64,
    /// ISO currency.
    pub currency: String,
}

/// A product that sells through Razorpay, implemented by the crate that owns its orders
/// table (tokens' `TokenPacks`; the LMS's course enrollments). Every method runs inside the
/// caller's transaction and must not commit it.
///
/// Model: `tokens::purchases::TokenPacks`. Register it in `gateway::app::payment_products`.
pub trait PaymentProduct: Send + Sync + 'static {
    /// The item kind in the domain events (`token_pack`, `course_enrollment`); unique.
    fn kind(&self) -> &'static str;

    /// Locks (`SELECT .. FOR UPDATE`) and returns this product's order with this Razorpay
    /// order id; `None` when the order is not this product's.
    fn lock_order<'a>(
        &'a self,
        txn: &'a DatabaseTransaction,
        razorpay_order_id: &'a str,
    ) -> PaymentFuture<'a, Option<PayableOrder>>;

    /// Applies a captured payment to an order locked by [`Self::lock_order`] that is not
    /// `paid` (and whose amount and currency matched the payment, when Razorpay said them):
    /// delivers what was bought and marks the order paid with `payment_id`. Never called
    /// twice for one order: the shared code checks `paid` under the lock.
    fn capture<'a>(
        &'a self,
        txn: &'a DatabaseTransaction,
        tenant: &'a Tenant,
        order: &'a PayableOrder,
        payment_id: &'a str,
    ) -> PaymentFuture<'a, CapturedItem>;

    /// Records a failed payment attempt on a locked order that is not `paid` (a late
    /// failure never undoes a capture; the shared code does not call this on a paid order).
    fn fail<'a>(
        &'a self,
        txn: &'a DatabaseTransaction,
        order: &'a PayableOrder,
        reason: &'a str,
    ) -> PaymentFuture<'a, ()>;

    /// Reacts to a processed refund of a locked order (default: nothing; the
    /// `refund.processed` event goes out either way, and finance issues the credit note).
    fn refund<'a>(
        &'a self,
        _txn: &'a DatabaseTransaction,
        _tenant: &'a Tenant,
        _order: &'a PayableOrder,
        _refund: &'a RefundInfo,
    ) -> PaymentFuture<'a, ()> {
        Box::pin(async { Ok(()) })
    }
}

/// The products of this process, by kind (filled by the gateway, registered as part of
/// [`super::Payments`]).
#[derive(Clone, Default)]
pub struct PaymentProducts {
    products: BTreeMap<&'static str, Arc<dyn PaymentProduct>>,
}

impl fmt::Debug for PaymentProducts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.products.keys()).finish()
    }
}

impl PaymentProducts {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a product (a later product of the same kind replaces the earlier).
    pub fn register(&mut self, product: impl PaymentProduct) -> &mut Self {
        self.products.insert(product.kind(), Arc::new(product));
        self
    }

    /// The product of `kind`.
    pub fn get(&self, kind: &str) -> Option<Arc<dyn PaymentProduct>> {
        self.products.get(kind).cloned()
    }

    /// Every product, by kind.
    pub fn all(&self) -> impl Iterator<Item = &Arc<dyn PaymentProduct>> {
        self.products.values()
    }

    /// Locks the order with this Razorpay id at the product that owns it (asked in kind
    /// order; Razorpay order ids are unique, so at most one says yes).
    pub async fn lock_order(
        &self,
        txn: &DatabaseTransaction,
        razorpay_order_id: &str,
    ) -> Result<Option<(Arc<dyn PaymentProduct>, PayableOrder)>, AppError> {
        for product in self.all() {
            if let Some(order) = product.lock_order(txn, razorpay_order_id).await? {
                return Ok(Some((product.clone(), order)));
            }
        }
        Ok(None)
    }
}

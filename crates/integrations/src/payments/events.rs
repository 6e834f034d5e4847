//! The domain events of payments, published through the outbox in the transaction that
//! applied them (one per captured order, one per processed refund). Finance turns them into
//! invoices and credit notes; nothing in them is secret. No field is called `platform`: the
//! outbox envelope flattens the event next to its own `platform` (the slug).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `payment.captured`: an order was paid and what it bought delivered (exactly once per
/// order, whichever of the checkout verification and the webhook came first).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PaymentCaptured {
    /// The product's order id.
    pub order_id: Uuid,
    /// The buyer.
    pub user_id: Uuid,
    /// The platform's id (its slug is the outbox envelope's `platform`).
    pub platform_id: Uuid,
    /// Amount paid in paise.
    pub amount_paise: i64,
    /// ISO currency.
    pub currency: String,
    /// What kind of thing was bought (`token_pack`, `course_enrollment`, …).
    pub item: String,
    /// The thing bought (the pack's, the course's id).
    pub item_id: Uuid,
    /// The invoice line.
    pub description: String,
    /// Whether the item's price was stated inclusive of GST. `amount_paise` includes GST
    /// either way: an exclusive INR price is charged with its GST added
    /// (`kernel::money::charged_paise`), and finance invoices what was paid.
    pub gst_inclusive: bool,
    /// Tokens credited (token packs only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokens: Option<i64>,
    /// Razorpay's payment id.
    pub razorpay_payment_id: String,
    /// When the capture was applied (the invoice's date). Events published before this field
    /// existed have none; finance dates their invoice when it issues it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captured_at: Option<DateTime<Utc>>,
}

impl jobs::EventSpec for PaymentCaptured {
    const NAME: &'static str = "payment.captured";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// `refund.processed`: Razorpay refunded (part of) a payment of an order.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RefundProcessed {
    /// The product's order id.
    pub order_id: Uuid,
    /// The buyer.
    pub user_id: Uuid,
    /// The platform's id (its slug is the outbox envelope's `platform`).
    pub platform_id: Uuid,
    /// Amount refunded in paise.
    pub amount_paise: i64,
    /// ISO currency.
    pub currency: String,
    /// The kind of thing the order bought.
    pub item: String,
    /// Razorpay's payment id.
    pub razorpay_payment_id: String,
    /// Razorpay's refund id.
    pub razorpay_refund_id: String,
}

impl jobs::EventSpec for RefundProcessed {
    const NAME: &'static str = "refund.processed";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

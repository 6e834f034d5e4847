//! `course_orders`: courses bought through Razorpay.

use sea_orm::entity::prelude::*;

use super::text_enum;

/// An order.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "course_orders")]
pub struct Model {
    /// Id (also the Razorpay receipt).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// Buyer.
    pub user_id: Uuid,
    /// Course bought.
    pub course_id: Uuid,
    /// Batch asked for.
    pub batch_id: Option<Uuid>,
    /// Price in paise at the time of the order.
    pub amount_paise: i64,
    /// ISO currency.
    pub currency: String,
    /// Whether the price includes GST.
    pub gst_inclusive: bool,
    /// Razorpay's order id.
    pub razorpay_order_id: String,
    /// Razorpay's payment id, once captured.
    pub razorpay_payment_id: Option<String>,
    /// Where it is.
    pub status: OrderStatus,
    /// Why the payment failed.
    pub failure_reason: Option<String>,
    /// The enrolment the capture made.
    pub enrollment_id: Option<Uuid>,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Changed.
    pub updated_at: DateTimeUtc,
    /// Captured.
    pub captured_at: Option<DateTimeUtc>,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

text_enum! {
    /// An order's state.
    OrderStatus {
        /// Razorpay order created, not paid.
        Initiated = "initiated",
        /// Paid; the student is enrolled.
        Captured = "captured",
        /// The payment failed (a later capture still wins).
        Failed = "failed",
        /// Never paid within its time (the daily reconciliation), or superseded by an order
        /// at the course's new terms (a payment of it that still arrives is captured).
        Expired = "expired",
        /// Paid, then refunded.
        Refunded = "refunded",
    }
}

//! `refunds`: refunds asked of Razorpay (or made in its dashboard and learnt from the webhook).

use sea_orm::entity::prelude::*;

/// A refund.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "refunds")]
pub struct Model {
    /// Id (Razorpay's `receipt`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// The invoice refunded.
    pub invoice_id: Uuid,
    /// Razorpay's payment id.
    pub razorpay_payment_id: String,
    /// Paise refunded.
    pub amount_paise: i64,
    /// Why.
    pub reason: String,
    /// `pending`, `processed` or `failed`.
    pub status: String,
    /// Razorpay's refund id, once Razorpay accepted it.
    pub razorpay_refund_id: Option<String>,
    /// The `Idempotency-Key` of the request.
    pub idempotency_key: Option<String>,
    /// Who asked (none: made in Razorpay's dashboard).
    pub requested_by: Option<Uuid>,
    /// Asked.
    pub created_at: DateTimeUtc,
    /// Settled by `refund.processed`.
    pub processed_at: Option<DateTimeUtc>,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

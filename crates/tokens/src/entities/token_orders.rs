//! `token_orders`: one Razorpay order per purchase attempt; `paid` exactly when tokens were
//! credited (a check constraint ties the two).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An order.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "token_orders")]
pub struct Model {
    /// Id (also the Razorpay receipt).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// Buyer.
    pub user_id: Uuid,
    /// Pack bought.
    pub pack_id: Uuid,
    /// Tokens to credit.
    pub tokens: i64,
    /// Price in paise.
    pub amount_paise: i64,
    /// ISO currency.
    pub currency: String,
    /// Razorpay's order id.
    pub razorpay_order_id: String,
    /// Razorpay's payment id, once paid.
    pub razorpay_payment_id: Option<String>,
    /// `created`, `paid`, `failed`.
    pub status: OrderStatus,
    /// Why the payment failed.
    pub failure_reason: Option<String>,
    /// The purchase transfer.
    pub credited_transfer: Option<Uuid>,
    /// How much of the payment was refunded so far, in paise (ADR 0068).
    pub refunded_paise: i64,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Changed.
    pub updated_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// An order's status (the table's CHECK: created, paid, failed).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
    ToSchema,
)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Razorpay order created, not paid.
    #[sea_orm(string_value = "created")]
    Created,
    /// Paid and the tokens credited.
    #[sea_orm(string_value = "paid")]
    Paid,
    /// The payment failed.
    #[sea_orm(string_value = "failed")]
    Failed,
}

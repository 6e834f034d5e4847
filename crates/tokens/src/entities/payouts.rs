//! `payouts`: a mentor's request to be paid their earned tokens.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A payout request.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payouts")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// The mentor.
    pub mentor_id: Uuid,
    /// Tokens to pay out.
    pub amount: i64,
    /// `requested`, `approved`, `rejected`, `paid`.
    pub status: PayoutStatus,
    /// The bank/UPI reference of the payment.
    pub reference: Option<String>,
    /// Why it was rejected.
    pub reason: Option<String>,
    /// The transfer that debited the earnings.
    pub transfer_id: Option<Uuid>,
    /// The admin who decided last.
    pub decided_by: Option<Uuid>,
    /// Requested.
    pub created_at: DateTimeUtc,
    /// Changed.
    pub updated_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// A payout's status (the table's CHECK: requested, approved, rejected, paid).
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
pub enum PayoutStatus {
    /// Asked for by the mentor.
    #[sea_orm(string_value = "requested")]
    Requested,
    /// Approved for payment.
    #[sea_orm(string_value = "approved")]
    Approved,
    /// Refused; the tokens stay earned.
    #[sea_orm(string_value = "rejected")]
    Rejected,
    /// Paid, with its reference; the earnings were debited.
    #[sea_orm(string_value = "paid")]
    Paid,
}

//! `payouts`: a mentor's request to be paid their earned tokens.

use sea_orm::entity::prelude::*;

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
    pub status: String,
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

//! `bookings`.

use sea_orm::entity::prelude::*;

/// A booking.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bookings")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// The slot.
    pub slot_id: Uuid,
    /// The mentor profile.
    pub mentor_id: Uuid,
    /// The student (user id).
    pub student_id: Uuid,
    /// `booked`, `cancelled`, `completed`.
    pub status: String,
    /// Tokens held.
    pub tokens: i64,
    /// The ledger hold.
    pub hold_id: Uuid,
    /// The student's Idempotency-Key.
    pub idempotency_key: Option<String>,
    /// Who cancelled.
    pub cancelled_by: Option<Uuid>,
    /// Why.
    pub cancel_reason: Option<String>,
    /// Tokens returned on cancellation.
    pub refunded_tokens: Option<i64>,
    /// Booked.
    pub created_at: DateTimeUtc,
    /// Changed.
    pub updated_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

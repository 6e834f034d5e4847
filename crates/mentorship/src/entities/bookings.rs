//! `bookings`.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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
    pub status: BookingStatus,
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

/// A booking's status (the table's CHECK: booked, cancelled, completed).
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
pub enum BookingStatus {
    /// Tokens held, the session ahead (or not settled yet).
    #[sea_orm(string_value = "booked")]
    Booked,
    /// Cancelled; tokens returned per the policy.
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
    /// Held; the tokens went to the mentor.
    #[sea_orm(string_value = "completed")]
    Completed,
}

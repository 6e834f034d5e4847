//! `mentor_slots`.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An availability slot.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mentor_slots")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// The mentor profile.
    pub mentor_id: Uuid,
    /// Start.
    pub starts_at: DateTimeUtc,
    /// End.
    pub ends_at: DateTimeUtc,
    /// `open`, `booked`, `cancelled`, `expired`.
    pub status: SlotStatus,
    /// Created.
    pub created_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// A slot's status (the table's CHECK: open, booked, cancelled, expired).
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
pub enum SlotStatus {
    /// Bookable.
    #[sea_orm(string_value = "open")]
    Open,
    /// Taken by a booking.
    #[sea_orm(string_value = "booked")]
    Booked,
    /// Withdrawn (by its mentor, or with a cancelled booking).
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
    /// Started without being booked.
    #[sea_orm(string_value = "expired")]
    Expired,
}

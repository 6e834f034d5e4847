//! `exotel_calls`: click-to-call calls placed through Exotel.

use sea_orm::entity::prelude::*;

/// One call.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "exotel_calls")]
pub struct Model {
    /// Id (UUID v7).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Tenant.
    pub platform_id: Uuid,
    /// Exotel's `CallSid`.
    #[sea_orm(unique)]
    pub sid: String,
    /// The number rung first (the agent).
    pub from_number: String,
    /// The number connected next (the lead).
    pub to_number: String,
    /// The ExoPhone shown to both.
    pub caller_id: String,
    /// Exotel's status (`queued`, `in-progress`, `completed`, `busy`, `no-answer`, `failed`, …).
    /// A `String`, not an enum: the values are Exotel's, an open set the table only checks
    /// the length of, stored as the callback sends them.
    pub status: String,
    /// Talk time in seconds, once known.
    pub duration_secs: Option<i32>,
    /// Recording URL, when the call was recorded.
    pub recording_url: Option<String>,
    /// The user who placed the call.
    pub created_by: Option<Uuid>,
    /// Creation time.
    pub created_at: DateTimeUtc,
    /// Last change.
    pub updated_at: DateTimeUtc,
}

/// Tenant-owned; `platform_id` references `platforms.id`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

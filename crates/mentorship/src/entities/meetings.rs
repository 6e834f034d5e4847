//! `meetings`.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A meeting (one per booking).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meetings")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// The booking.
    pub booking_id: Uuid,
    /// The mentor's user.
    pub mentor_user_id: Uuid,
    /// The student.
    pub student_user_id: Uuid,
    /// Scheduled start.
    pub starts_at: DateTimeUtc,
    /// Scheduled end.
    pub ends_at: DateTimeUtc,
    /// `scheduled`, `live`, `ended`, `completed`, `cancelled`.
    pub status: MeetingStatus,
    /// First join.
    pub started_at: Option<DateTimeUtc>,
    /// Ended.
    pub ended_at: Option<DateTimeUtc>,
    /// Marked held.
    pub completed_at: Option<DateTimeUtc>,
    /// By whom.
    pub completed_by: Option<Uuid>,
    /// Bumped on reschedule and cancellation; delayed notices of older versions are no-ops.
    pub plan_version: i32,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Changed.
    pub updated_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// A meeting's status (the table's CHECK: scheduled, live, ended, completed, cancelled).
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
pub enum MeetingStatus {
    /// Booked, nobody in the room yet.
    #[sea_orm(string_value = "scheduled")]
    Scheduled,
    /// Someone is in the room.
    #[sea_orm(string_value = "live")]
    Live,
    /// Ended in the room, not settled yet.
    #[sea_orm(string_value = "ended")]
    Ended,
    /// Held: the tokens went to the mentor.
    #[sea_orm(string_value = "completed")]
    Completed,
    /// Cancelled (or voided for a mentor's no-show).
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
}

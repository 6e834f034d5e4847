//! `meetings`.

use sea_orm::entity::prelude::*;

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
    pub status: String,
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

//! `batches`: cohorts of a course with a batch lead and a capacity.

use sea_orm::entity::prelude::*;

/// A batch.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "batches")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// Course.
    pub course_id: Uuid,
    /// Name, unique per course.
    pub name: String,
    /// First day.
    pub starts_on: Date,
    /// Last day.
    pub ends_on: Option<Date>,
    /// The batch lead (a user with the batch-lead capability).
    pub batch_lead_id: Option<Uuid>,
    /// Seats.
    pub capacity: i32,
    /// Seats taken (a CHECK keeps it within `capacity`).
    pub seats_taken: i32,
    /// Created.
    pub created_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! `live_classes`: scheduled live sessions of a course (optionally of one batch).

use sea_orm::entity::prelude::*;

/// A live class.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "live_classes")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// Course.
    pub course_id: Uuid,
    /// Only this batch of the course (none: every student of the course).
    pub batch_id: Option<Uuid>,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Starts.
    pub starts_at: DateTimeUtc,
    /// Ends.
    pub ends_at: DateTimeUtc,
    /// Where students join (the meeting link).
    pub join_url: String,
    /// Storage key of the recording, set after the class.
    pub recording_key: Option<String>,
    /// The admin who created it.
    pub created_by: Option<Uuid>,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Changed.
    pub updated_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

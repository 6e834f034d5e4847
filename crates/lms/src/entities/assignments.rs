//! `assignments`: work students hand in, per course (optionally tied to a module or item).

use sea_orm::entity::prelude::*;

/// An assignment.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assignments")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// Course.
    pub course_id: Uuid,
    /// Module of the course it belongs to.
    pub module_id: Option<Uuid>,
    /// Content item that stands for it.
    pub item_id: Option<Uuid>,
    /// Title.
    pub title: String,
    /// Instructions (plain text or Markdown).
    pub instructions: String,
    /// Due.
    pub due_at: DateTimeUtc,
    /// Points of a perfect grade (the rubric's criteria add up to it).
    pub max_points: i32,
    /// Criteria `[{name, points, description}]`.
    pub rubric: Json,
    /// Percent taken off per started day late (0: late work is accepted as is).
    pub late_penalty_percent_per_day: i32,
    /// Most percent taken off for lateness.
    pub late_penalty_cap_percent: i32,
    /// After this, nothing is accepted.
    pub reject_after: Option<DateTimeUtc>,
    /// Accepted media types of files (empty: any the store accepts).
    pub allowed_content_types: Json,
    /// Largest file accepted.
    pub max_file_bytes: Option<i64>,
    /// Most files per submission.
    pub max_files: i32,
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

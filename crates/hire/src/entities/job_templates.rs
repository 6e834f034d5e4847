//! `job_templates`: starting points of job posts, seeded suite-wide or a platform's own (edited
//! in place with a version counter, archived rather than deleted; ADR 0082).

use sea_orm::entity::prelude::*;

/// A job template.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job_templates")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The platform's own template, or none for a seeded suite-wide one.
    pub platform_id: Option<Uuid>,
    /// Job family (picks the stage template).
    pub family: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Skills (a JSON array of strings).
    pub skills: Json,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Bumped by every change.
    pub version: i32,
    /// Archived: no longer offered for new posts (posts made from it keep their copy).
    pub archived_at: Option<DateTimeUtc>,
    /// Who created it (none for seeded rows).
    pub created_by: Option<Uuid>,
    /// Who changed it last.
    pub updated_by: Option<Uuid>,
    /// Last change.
    pub updated_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

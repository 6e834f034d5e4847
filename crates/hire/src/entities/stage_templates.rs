//! `stage_templates`: the pipeline stages of a job family (suite-wide rows have no platform).
//! Rows are versions: a change inserts the next one and supersedes the previous (ADR 0082).

use sea_orm::entity::prelude::*;

/// A family's stages.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stage_templates")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The platform's own template, or none for the seeded suite-wide one.
    pub platform_id: Option<Uuid>,
    /// Job family (`engineering`, `sales`, `general`…).
    pub family: String,
    /// Stage names in order (a JSON array of strings).
    pub stages: Json,
    /// The email template sent when an application enters a stage (stage -> template).
    pub stage_emails: Json,
    /// A stage's scorecard criteria (stage -> `[{key, description}]`).
    pub scorecards: Json,
    /// Created.
    pub created_at: DateTimeUtc,
    /// The version of the platform's (or the seeded) template of the family.
    pub version: i32,
    /// When a newer version replaced it (posts made under it keep it).
    pub superseded_at: Option<DateTimeUtc>,
    /// Who made this version (none for seeded rows).
    pub created_by: Option<Uuid>,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! `screening_configs`: a platform's screening rubric and its version.

use sea_orm::entity::prelude::*;

/// A platform's screening configuration.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "screening_configs")]
pub struct Model {
    /// The platform.
    #[sea_orm(primary_key, auto_increment = false)]
    pub platform_id: Uuid,
    /// The criteria (JSON array of `{key, description, weight}`).
    pub rubric: Json,
    /// Bumped on every rubric change.
    pub rubric_version: i32,
    /// Whether new applications are screened.
    pub enabled: bool,
    /// Who changed it last.
    pub updated_by: Option<Uuid>,
    /// When.
    pub updated_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

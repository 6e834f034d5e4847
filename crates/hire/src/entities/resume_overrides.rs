//! `resume_overrides`: a human's score for an application, which wins over the AI's.

use sea_orm::entity::prelude::*;

/// An override.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "resume_overrides")]
pub struct Model {
    /// The application.
    #[sea_orm(primary_key, auto_increment = false)]
    pub application_id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// 0-100.
    pub score: i32,
    /// Why.
    pub reason: String,
    /// Who.
    pub actor_id: Uuid,
    /// When.
    pub created_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! `application_events`: the immutable stage log of an application.

use sea_orm::entity::prelude::*;

/// A stage change.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "application_events")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// The application.
    pub application_id: Uuid,
    /// Stage left (none for the application itself).
    pub from_stage: Option<String>,
    /// Stage entered.
    pub to_stage: String,
    /// Why (rejection reasons, reversals).
    pub reason: Option<String>,
    /// Who (none for the candidate's own application).
    pub actor_id: Option<Uuid>,
    /// When.
    pub created_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! `sales_team_members`: an agent is in at most one team of a platform.

use sea_orm::entity::prelude::*;

/// A membership.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sales_team_members")]
pub struct Model {
    /// Team.
    #[sea_orm(primary_key, auto_increment = false)]
    pub team_id: Uuid,
    /// Agent.
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// Joined.
    pub created_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

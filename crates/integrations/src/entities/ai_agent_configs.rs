//! `ai_agent_configs`: a platform's provider list of one agent.

use sea_orm::entity::prelude::*;

use super::kinds::Agent;

/// One agent's configuration on one platform.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "ai_agent_configs")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// The agent.
    pub agent: Agent,
    /// The ordered provider entries (`[ProviderEntry]` as JSON).
    pub providers: Json,
    /// Who changed it last (none for the seeder).
    pub updated_by: Option<Uuid>,
    /// When.
    pub updated_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

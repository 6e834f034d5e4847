//! `ozone_call_configs`: Miss Ozone's call configurations (the seed's `HrCallConfig`).

use sea_orm::entity::prelude::*;

/// A call configuration.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ozone_call_configs")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// Name, unique per platform.
    pub name: String,
    /// The ElevenLabs conversational agent that calls.
    pub agent_id: String,
    /// What the call is for (passed to the agent as a dynamic variable).
    pub purpose: String,
    /// Dials per person per IST day, across configurations.
    pub daily_cap_per_person: i32,
    /// Dials of one call before it fails.
    pub max_attempts: i32,
    /// First retry delay; doubles with each attempt.
    pub retry_backoff_secs: i32,
    /// Whether new calls may use it.
    pub active: bool,
    /// Who created it.
    pub created_by: Option<Uuid>,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Last change.
    pub updated_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

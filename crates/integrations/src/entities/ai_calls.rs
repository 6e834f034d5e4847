//! `ai_calls`: one row per provider attempt.

use sea_orm::entity::prelude::*;

use super::kinds::{Agent, Outcome, ProviderName};

/// One attempt.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ai_calls")]
pub struct Model {
    /// Id (v7: ordered by time).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// Agent.
    pub agent: Agent,
    /// Provider.
    pub provider: ProviderName,
    /// Model.
    pub model: String,
    /// Prompt version of the entry.
    pub prompt_version: String,
    /// Input tokens the provider counted.
    pub tokens_in: i64,
    /// Output tokens the provider counted.
    pub tokens_out: i64,
    /// Time to the answer.
    pub latency_ms: i64,
    /// Cost from the entry's prices, paise (rounded up).
    pub cost_paise: i64,
    /// How it ended.
    pub outcome: Outcome,
    /// The request that made it.
    pub request_id: Option<String>,
    /// When.
    pub created_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! `GET/PUT /api/admin/agent-config/{agent}` bodies.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::{
    entities::kinds::Agent, llm::agents::ProviderEntry, service::agent_config::AgentConfig,
};

/// The new provider list of an agent.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct AgentConfigBody {
    /// Providers in the order they are tried, 1-5.
    #[validate(length(min = 1, max = 5), nested)]
    #[schema(min_items = 1, max_items = 5)]
    pub providers: Vec<ProviderEntry>,
}

/// An agent's configuration.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgentConfigDto {
    /// The agent.
    pub agent: Agent,
    /// Providers in the order they are tried.
    pub providers: Vec<ProviderEntry>,
    /// Last change (now, for an agent still on the defaults).
    pub updated_at: DateTime<Utc>,
}

impl From<AgentConfig> for AgentConfigDto {
    fn from(c: AgentConfig) -> Self {
        Self {
            agent: c.agent,
            providers: c.providers,
            updated_at: c.updated_at,
        }
    }
}

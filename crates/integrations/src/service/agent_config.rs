//! Reading, changing (audited) and seeding agents' provider lists.

use chrono::Utc;
use kernel::{audit, auth::AuthUser, ids::new_id, tenant::Tenant};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionSession,
    TransactionTrait, sea_query::OnConflict,
};
use serde_json::json;

use crate::{
    IntegrationsError,
    entities::{ai_agent_configs as configs, kinds::Agent},
    llm::agents::{ProviderEntry, defaults},
};

/// An agent's configuration as stored.
#[derive(Debug, Clone)]
pub struct AgentConfig {
    /// The agent.
    pub agent: Agent,
    /// Its providers in order.
    pub providers: Vec<ProviderEntry>,
    /// Last change.
    pub updated_at: chrono::DateTime<Utc>,
}

/// The agent's configuration on the tenant's platform (the defaults when none is stored).
pub async fn get(
    conn: &impl ConnectionTrait,
    tenant: &Tenant,
    agent: Agent,
) -> Result<AgentConfig, IntegrationsError> {
    let row = configs::Entity::find()
        .filter(configs::Column::PlatformId.eq(tenant.id))
        .filter(configs::Column::Agent.eq(agent))
        .one(conn)
        .await?;
    Ok(match row {
        Some(row) => AgentConfig {
            agent,
            providers: serde_json::from_value(row.providers)
                .map_err(|e| anyhow::anyhow!("stored agent config is unreadable: {e}"))?,
            updated_at: row.updated_at,
        },
        None => AgentConfig {
            agent,
            providers: defaults(agent),
            updated_at: Utc::now(),
        },
    })
}

/// Replaces the agent's providers (validated by the caller), writing an audit entry with
/// the lists before and after in the same transaction.
pub async fn put(
    db: &impl TransactionTrait,
    user: &AuthUser,
    agent: Agent,
    providers: Vec<ProviderEntry>,
) -> Result<AgentConfig, IntegrationsError> {
    let txn = db.begin().await?;
    let before = get(&txn, &user.tenant, agent).await?;
    let now = Utc::now();
    let value = serde_json::to_value(&providers).map_err(anyhow::Error::new)?;
    configs::Entity::insert(configs::ActiveModel {
        id: Set(new_id()),
        platform_id: Set(user.tenant.id),
        agent: Set(agent),
        providers: Set(value.clone()),
        updated_by: Set(Some(user.id)),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([configs::Column::PlatformId, configs::Column::Agent])
            .update_columns([
                configs::Column::Providers,
                configs::Column::UpdatedBy,
                configs::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    audit::record(
        &txn,
        audit::Audit::by(user, "agent_config.updated", "agent_config", agent.as_str()).change(
            json!({"providers": before.providers}),
            json!({"providers": value}),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(AgentConfig {
        agent,
        providers,
        updated_at: now,
    })
}

/// Seeds the default providers of every agent on every platform that has none (the gateway
/// seeder; an admin's configuration is never overwritten).
pub async fn seed_defaults(conn: &impl ConnectionTrait) -> Result<(), sea_orm::DbErr> {
    let platforms = kernel::tenant::entity::Entity::find().all(conn).await?;
    let now = Utc::now();
    let mut rows = Vec::new();
    for platform in &platforms {
        for agent in Agent::ALL {
            rows.push(configs::ActiveModel {
                id: Set(new_id()),
                platform_id: Set(platform.id),
                agent: Set(agent),
                providers: Set(serde_json::to_value(defaults(agent)).unwrap_or_default()),
                updated_by: Set(None),
                updated_at: Set(now),
            });
        }
    }
    if rows.is_empty() {
        return Ok(());
    }
    configs::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([configs::Column::PlatformId, configs::Column::Agent])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

//! The state every handler reaches through `web::Data<AppContext>`: registered once, in the
//! app builder, so a missing registration cannot compile into a runtime 500 elsewhere.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::{
    config::Config, jwt::JwtKeys, metrics::Metrics, redis::RedisPool, tenant::TenantRegistry,
};

/// Shared handles of one process. Cheap to clone.
#[derive(Clone)]
pub struct AppContext {
    /// Configuration.
    pub config: Arc<Config>,
    /// PostgreSQL pool.
    pub db: DatabaseConnection,
    /// Redis pool.
    pub redis: RedisPool,
    /// Platform cache.
    pub tenants: Arc<TenantRegistry>,
    /// JWT keys.
    pub jwt: Arc<JwtKeys>,
    /// Prometheus registry and HTTP metrics.
    pub metrics: Arc<Metrics>,
}

impl AppContext {
    /// Builds the context from its parts.
    pub fn new(config: Config, db: DatabaseConnection, redis: RedisPool) -> anyhow::Result<Self> {
        let tenants = TenantRegistry::new(config.default_platform.clone(), config.tenant_cache_ttl);
        let jwt = JwtKeys::from_config(&config);
        Ok(Self {
            tenants: Arc::new(tenants),
            jwt: Arc::new(jwt),
            metrics: Arc::new(Metrics::new()?),
            config: Arc::new(config),
            db,
            redis,
        })
    }

    /// A Redis key under this process's prefix.
    pub fn redis_key(&self, key: &str) -> String {
        format!("{}{key}", self.config.redis_key_prefix)
    }
}

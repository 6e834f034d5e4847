//! The state every handler reaches through `web::Data<AppContext>`: registered once, in the
//! app builder, so a missing registration cannot compile into a runtime 500 elsewhere.

use std::{
    any::{Any, TypeId},
    collections::HashMap,
    sync::{Arc, RwLock},
};

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
    /// Per-process values of other crates, by type (their local caches, the user directory's
    /// copy: ADR 0083).
    pub extensions: Arc<Extensions>,
}

/// Per-process values of crates kernel does not know, one per type.
#[derive(Default)]
pub struct Extensions(RwLock<HashMap<TypeId, Box<dyn Any + Send + Sync>>>);

impl std::fmt::Debug for Extensions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Extensions").finish_non_exhaustive()
    }
}

impl Extensions {
    /// The process's `T`, made by `init` the first time it is asked for.
    pub fn get_or_init<T: Any + Send + Sync>(&self, init: impl FnOnce() -> T) -> Arc<T> {
        if let Some(v) = self
            .0
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(&TypeId::of::<T>())
            .and_then(|b| b.downcast_ref::<Arc<T>>())
        {
            return v.clone();
        }
        let mut map = self.0.write().unwrap_or_else(|p| p.into_inner());
        if let Some(v) = map
            .get(&TypeId::of::<T>())
            .and_then(|b| b.downcast_ref::<Arc<T>>())
        {
            return v.clone();
        }
        let value = Arc::new(init());
        map.insert(TypeId::of::<T>(), Box::new(value.clone()));
        value
    }
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
            extensions: Arc::new(Extensions::default()),
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

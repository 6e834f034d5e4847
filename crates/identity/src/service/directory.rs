//! The user directory behind every authenticated request (ADR 0016): the user's current
//! role, capabilities, status and token cut-off, from a short Redis cache over PostgreSQL.
//! Every change to those fields calls [`invalidate`] after its transaction commits, so the
//! next request of that user sees it. A Redis failure falls back to PostgreSQL.

use std::time::Duration;

use futures::future::BoxFuture;
use kernel::{
    AppContext, AppError, Tenant,
    auth::{CurrentUser, UserDirectory},
};
use sea_orm::EntityTrait;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{entities::users, service::users::current_of};

/// What the cache holds for a user id (`None`: no such user).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Cached {
    platform_id: Uuid,
    current: CurrentUser,
}

/// The directory of the process.
#[derive(Clone)]
pub struct Directory {
    ctx: AppContext,
    ttl: Duration,
}

fn key(ctx: &AppContext, user_id: Uuid) -> String {
    ctx.redis_key(&format!("identity:user:{user_id}"))
}

impl Directory {
    /// A directory caching for `USER_CACHE_TTL_SECS` (0 disables the cache).
    pub fn new(ctx: &AppContext, ttl: Duration) -> Self {
        Self {
            ctx: ctx.clone(),
            ttl,
        }
    }

    async fn cached(&self, user_id: Uuid) -> Result<Option<Option<Cached>>, AppError> {
        let mut conn = self.ctx.redis.get().await?;
        let raw: Option<String> = redis::cmd("GET")
            .arg(key(&self.ctx, user_id))
            .query_async(&mut conn)
            .await?;
        Ok(raw.and_then(|r| serde_json::from_str(&r).ok()))
    }

    async fn store(&self, user_id: Uuid, value: &Option<Cached>) -> Result<(), AppError> {
        let json = serde_json::to_string(value)
            .map_err(|e| AppError::Unexpected(anyhow::Error::new(e).context("caching a user")))?;
        let mut conn = self.ctx.redis.get().await?;
        let ttl_ms = u64::try_from(self.ttl.as_millis()).unwrap_or(u64::MAX);
        redis::cmd("SET")
            .arg(key(&self.ctx, user_id))
            .arg(json)
            .arg("PX")
            .arg(ttl_ms)
            .query_async::<()>(&mut conn)
            .await?;
        Ok(())
    }

    /// The user's state, from the cache when fresh.
    pub async fn lookup(
        &self,
        user_id: Uuid,
        tenant: &Tenant,
    ) -> Result<Option<CurrentUser>, AppError> {
        let use_cache = !self.ttl.is_zero();
        if use_cache {
            match self.cached(user_id).await {
                Ok(Some(hit)) => return Ok(scoped(hit, tenant)),
                Ok(None) => {}
                Err(err) => {
                    tracing::warn!(error = %err, "user cache unavailable; reading PostgreSQL")
                }
            }
        }
        let row = users::Entity::find_by_id(user_id).one(&self.ctx.db).await?;
        let value = row.map(|m| Cached {
            platform_id: m.platform_id,
            current: current_of(&m),
        });
        if use_cache && let Err(err) = self.store(user_id, &value).await {
            tracing::warn!(error = %err, "could not cache a user");
        }
        Ok(scoped(value, tenant))
    }
}

fn scoped(value: Option<Cached>, tenant: &Tenant) -> Option<CurrentUser> {
    value
        .filter(|c| c.platform_id == tenant.id)
        .map(|c| c.current)
}

impl UserDirectory for Directory {
    fn current<'a>(
        &'a self,
        user_id: Uuid,
        tenant: &'a Tenant,
    ) -> BoxFuture<'a, Result<Option<CurrentUser>, AppError>> {
        Box::pin(self.lookup(user_id, tenant))
    }
}

/// Drops the cached state of `user_id`; call after committing any change to the user's
/// role, capabilities, status or token cut-off. A failure is logged: the entry then
/// expires within `USER_CACHE_TTL_SECS`.
pub async fn invalidate(ctx: &AppContext, user_id: Uuid) {
    let result: Result<(), AppError> = async {
        let mut conn = ctx.redis.get().await?;
        redis::cmd("DEL")
            .arg(key(ctx, user_id))
            .query_async::<()>(&mut conn)
            .await?;
        Ok(())
    }
    .await;
    if let Err(err) = result {
        tracing::warn!(%user_id, error = %err, "could not invalidate a cached user");
    }
}

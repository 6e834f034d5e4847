//! The user directory behind every authenticated request (ADR 0016, ADR 0083): the user's
//! current role, capabilities, status, token cut-off and profile, from the process's copy
//! (`kernel::user_cache::users`, live while subscribed to the invalidation channel), then a short Redis
//! cache, then PostgreSQL. Every change to those fields calls [`invalidate`] after its
//! transaction commits: it drops this process's copy at once, deletes the Redis entry and
//! publishes the id so every other replica drops its copy. A Redis failure falls back to
//! PostgreSQL.

use std::{sync::Arc, time::Duration};

use futures::future::BoxFuture;
use kernel::{
    AppContext, AppError, Tenant,
    auth::{CurrentUser, UserDirectory},
    invalidation::Subscriber,
    user_cache::{self, DirectoryEntry, UserCache},
};
use sea_orm::EntityTrait;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{entities::users, service::users::current_of};

/// What the Redis cache holds for a user id (`None`: no such user).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Cached {
    platform_id: Uuid,
    current: CurrentUser,
    email: String,
    full_name: String,
}

impl From<Cached> for DirectoryEntry {
    fn from(c: Cached) -> Self {
        Self {
            platform_id: c.platform_id,
            current: c.current,
            email: c.email,
            full_name: c.full_name,
        }
    }
}

/// What the directory answers for what Redis or PostgreSQL holds.
fn answer(cached: Option<Cached>) -> Option<Arc<DirectoryEntry>> {
    cached.map(|c| Arc::new(DirectoryEntry::from(c)))
}

/// The channel every replica listens on for ids whose directory entry changed.
fn channel(ctx: &AppContext) -> String {
    ctx.redis_key("identity:user-invalidated")
}

/// The directory of the process.
#[derive(Clone)]
pub struct Directory {
    ctx: AppContext,
    ttl: Duration,
    users: Arc<UserCache>,
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
            users: user_cache::users(ctx),
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

    /// The user's entry (`None`: no such user), from the process's copy, Redis or PostgreSQL.
    /// Concurrent misses of one user (a burst of requests when the entry expires) share one
    /// read while the process's copy is live (`LocalCache::get_or_load`).
    pub async fn entry(&self, user_id: Uuid) -> Result<Option<Arc<DirectoryEntry>>, AppError> {
        if self.ttl.is_zero() {
            return Ok(answer(self.read(user_id).await?));
        }
        if let Some(hit) = self.users.get(&user_id, self.ttl) {
            return Ok(hit);
        }
        // boxed: the hit above, every authenticated request's path, keeps a small future
        Box::pin(
            self.users
                .get_or_load(user_id, self.ttl, self.load(user_id)),
        )
        .await
    }

    /// Redis's copy, else PostgreSQL's row, which then goes to Redis.
    async fn load(&self, user_id: Uuid) -> Result<Option<Arc<DirectoryEntry>>, AppError> {
        match self.cached(user_id).await {
            Ok(Some(hit)) => return Ok(answer(hit)),
            Ok(None) => {}
            Err(err) => {
                tracing::warn!(error = %err, "user cache unavailable; reading PostgreSQL")
            }
        }
        let value = self.read(user_id).await?;
        if let Err(err) = self.store(user_id, &value).await {
            tracing::warn!(error = %err, "could not cache a user");
        }
        Ok(answer(value))
    }

    /// The user's row, from PostgreSQL.
    async fn read(&self, user_id: Uuid) -> Result<Option<Cached>, AppError> {
        let row = users::Entity::find_by_id(user_id).one(&self.ctx.db).await?;
        Ok(row.map(|m| Cached {
            platform_id: m.platform_id,
            current: current_of(&m),
            email: m.email,
            full_name: m.full_name,
        }))
    }

    /// The user's entry when they belong to `tenant`.
    pub async fn entry_in(
        &self,
        user_id: Uuid,
        tenant: &Tenant,
    ) -> Result<Option<Arc<DirectoryEntry>>, AppError> {
        Ok(self
            .entry(user_id)
            .await?
            .filter(|e| e.platform_id == tenant.id))
    }

    /// The user's state, from the caches when fresh.
    pub async fn lookup(
        &self,
        user_id: Uuid,
        tenant: &Tenant,
    ) -> Result<Option<CurrentUser>, AppError> {
        Ok(self
            .entry_in(user_id, tenant)
            .await?
            .map(|e| e.current.clone()))
    }
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

/// Drops the cached state of `user_id` everywhere; call after committing any change to the
/// user's role, capabilities, status, token cut-off, email or name. This process's copy goes
/// at once; the Redis entry is deleted and the id published so other replicas drop theirs.
/// A Redis failure is logged: other replicas' copies then expire within `USER_CACHE_TTL_SECS`.
pub async fn invalidate(ctx: &AppContext, user_id: Uuid) {
    user_cache::users(ctx).forget(&user_id);
    let result: Result<(), AppError> = async {
        let mut conn = ctx.redis.get().await?;
        redis::pipe()
            .cmd("DEL")
            .arg(key(ctx, user_id))
            .ignore()
            .cmd("PUBLISH")
            .arg(channel(ctx))
            .arg(user_id.to_string())
            .ignore()
            .query_async::<()>(&mut conn)
            .await?;
        Ok(())
    }
    .await;
    if let Err(err) = result {
        tracing::warn!(%user_id, error = %err, "could not invalidate a cached user");
    }
}

/// Keeps the process's `UserCache` live while this process is subscribed to the invalidation channel
/// (`kernel::invalidation`): each published id is dropped (anything else empties the copy),
/// expired entries are swept every `ttl`. Without a TTL (`USER_CACHE_TTL_SECS=0`) nothing is
/// cached.
pub fn spawn_invalidation_listener(ctx: &AppContext, ttl: Duration) {
    if ttl.is_zero() {
        return;
    }
    kernel::invalidation::spawn_listener(
        ctx,
        &user_cache::users(ctx),
        Subscriber {
            channel: channel(ctx),
            on_key: |cache: &UserCache, key: &str| match key.parse::<Uuid>() {
                Ok(id) => cache.forget(&id),
                Err(_) => cache.clear(),
            },
            on_live: UserCache::set_live,
            sweep: Box::new(move |cache: &UserCache| cache.sweep(ttl)),
            sweep_every: ttl,
        },
    );
}

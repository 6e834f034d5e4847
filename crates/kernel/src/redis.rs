//! Redis: one deadpool-redis pool (redis-rs underneath, the client BullMQ's port uses too),
//! with short timeouts so a dead Redis fails a check quickly instead of hanging it.

use std::time::Duration;

use anyhow::Context;
use deadpool_redis::{Config as PoolConfig, Pool, PoolConfig as Limits, Runtime, Timeouts};
use secrecy::ExposeSecret;

use crate::config::{Config, redact_url};

/// The Redis pool handle.
pub type RedisPool = Pool;

/// Builds the pool (connections open lazily, so boot does not wait on Redis).
pub fn pool(config: &Config) -> anyhow::Result<RedisPool> {
    let url = config.redis_url.expose_secret();
    let mut cfg = PoolConfig::from_url(url);
    let mut limits = Limits::new(config.redis_pool_max);
    limits.timeouts = Timeouts {
        wait: Some(Duration::from_secs(2)),
        create: Some(Duration::from_secs(2)),
        recycle: Some(Duration::from_secs(2)),
    };
    cfg.pool = Some(limits);
    cfg.create_pool(Some(Runtime::Tokio1))
        .with_context(|| format!("building the Redis pool for {}", redact_url(url)))
}

/// `PING` with a deadline.
pub async fn ping(pool: &RedisPool, deadline: Duration) -> anyhow::Result<()> {
    tokio::time::timeout(deadline, async {
        let mut conn = pool.get().await.context("getting a Redis connection")?;
        let pong: String = redis::cmd("PING")
            .query_async(&mut conn)
            .await
            .context("PING")?;
        anyhow::ensure!(pong == "PONG", "unexpected PING answer {pong:?}");
        Ok(())
    })
    .await
    .context("Redis did not answer in time")?
}

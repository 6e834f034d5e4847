//! Invalidation of process-local caches across replicas over Redis pub/sub (ADR 0083).
//!
//! [`publish`] sends a key on a channel (after the change committed); [`spawn_listener`]
//! keeps one subscription per cache: the cache is turned on ([`Subscriber::on_live`] `true`)
//! once `SUBSCRIBE` is confirmed, each published key is handed to [`Subscriber::on_key`], a
//! sweep runs every [`Subscriber::sweep_every`], and a lost connection turns the cache off
//! (`false`) until it has subscribed again. The listener ends when its cache is dropped.

use std::{
    sync::{Arc, Weak},
    time::Duration,
};

use futures::StreamExt;
use secrecy::ExposeSecret;

use crate::{AppContext, AppError};

/// What a listener does with its cache `T`.
pub struct Subscriber<T> {
    /// The channel (the full name, already under the process's key prefix).
    pub channel: String,
    /// A published key: drop what it names.
    pub on_key: fn(&T, &str),
    /// The subscription is up (`true`) or lost (`false`): the cache starts empty either way.
    pub on_live: fn(&T, bool),
    /// Drops expired entries; runs every `sweep_every`.
    pub sweep: Box<dyn Fn(&T) + Send + Sync>,
    /// How often to sweep.
    pub sweep_every: Duration,
}

/// Starts the listener of `cache` (nothing outside a Tokio runtime).
pub fn spawn_listener<T: Send + Sync + 'static>(
    ctx: &AppContext,
    cache: &Arc<T>,
    subscriber: Subscriber<T>,
) {
    if tokio::runtime::Handle::try_current().is_err() {
        return;
    }
    let url = ctx.config.redis_url.expose_secret().to_owned();
    tokio::spawn(listen(url, Arc::downgrade(cache), subscriber));
}

/// Publishes `key` on `channel` (call after the change committed). A failure is logged by
/// the caller: other replicas then keep their copies until their TTL.
pub async fn publish(ctx: &AppContext, channel: &str, key: &str) -> Result<(), AppError> {
    let mut conn = ctx.redis.get().await?;
    redis::cmd("PUBLISH")
        .arg(channel)
        .arg(key)
        .query_async::<()>(&mut conn)
        .await?;
    Ok(())
}

async fn listen<T: Send + Sync + 'static>(url: String, cache: Weak<T>, s: Subscriber<T>) {
    let sweep_every = s.sweep_every.max(Duration::from_millis(100));
    loop {
        let subscribed = async {
            let client = redis::Client::open(url.as_str())?;
            let mut pubsub = client.get_async_pubsub().await?;
            pubsub.subscribe(&s.channel).await?;
            Ok::<_, redis::RedisError>(pubsub)
        }
        .await;
        let mut pubsub = match subscribed {
            Ok(p) => p,
            Err(err) => {
                tracing::warn!(channel = %s.channel, error = %err, "invalidation channel unavailable; retrying");
                if cache.strong_count() == 0 {
                    return;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        match cache.upgrade() {
            Some(c) => (s.on_live)(&c, true),
            None => return,
        }
        {
            let mut messages = pubsub.on_message();
            let mut sweep = tokio::time::interval(sweep_every);
            loop {
                tokio::select! {
                    msg = messages.next() => {
                        let Some(msg) = msg else { break };
                        let Some(c) = cache.upgrade() else { return };
                        let key: String = msg.get_payload().unwrap_or_default();
                        (s.on_key)(&c, &key);
                    }
                    _ = sweep.tick() => {
                        let Some(c) = cache.upgrade() else { return };
                        (s.sweep)(&c);
                    }
                }
            }
        }
        tracing::warn!(channel = %s.channel, "invalidation channel lost; the local cache is off until it is back");
        match cache.upgrade() {
            Some(c) => (s.on_live)(&c, false),
            None => return,
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

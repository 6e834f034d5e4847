//! Redis-backed rate limits, so a limit holds across replicas (ADR 0015).
//!
//! [`hit`] is a fixed window: one Lua script `INCR`s the key, sets its expiry on the first hit
//! of a window and returns the count and the time left; over the limit answers
//! 429 `too_many_requests` with `Retry-After`. [`space`] keeps two events at least an
//! interval apart (`SET NX PX`). Keys go under the process's Redis prefix
//! ([`AppContext::redis_key`]). When Redis is unreachable the limit is skipped and a warning
//! logged: sign-in stays available, at the price of unlimited tries for that moment.

use std::{net::IpAddr, sync::LazyLock, time::Duration};

use actix_web::HttpRequest;
use sha2::{Digest, Sha256};

use crate::{config::RateLimit, context::AppContext, error::AppError};

static FIXED_WINDOW: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"
        local n = redis.call('INCR', KEYS[1])
        if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl < 0 then
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            ttl = tonumber(ARGV[1])
        end
        return {n, ttl}
        ",
    )
});

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX).max(1)
}

fn retry_after(ttl_ms: i64) -> AppError {
    let secs = u64::try_from(ttl_ms).unwrap_or(0).div_ceil(1000).max(1);
    AppError::TooManyRequests {
        retry_after_secs: secs,
    }
}

/// What a limit does while Redis cannot count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnOutage {
    /// Let the request through (limits whose abuse is cheap: signup, OTP and reset requests,
    /// which are also spaced per account).
    Allow,
    /// Refuse with 503 `rate_limit_unavailable` and `Retry-After` (limits that stop password
    /// guessing: login, OTP verification, password reset): no unlimited guessing while Redis
    /// is down.
    Refuse,
}

/// Counts one hit on `key` (a name under `ratelimit:`) and refuses it with 429 when the
/// window already holds `limit.limit` hits; lets it through while Redis is down.
pub async fn hit(ctx: &AppContext, key: &str, limit: RateLimit) -> Result<(), AppError> {
    hit_with(ctx, key, limit, OnOutage::Allow).await
}

/// [`hit`], choosing what happens while Redis cannot count.
pub async fn hit_with(
    ctx: &AppContext,
    key: &str,
    limit: RateLimit,
    on_outage: OnOutage,
) -> Result<(), AppError> {
    let full = ctx.redis_key(&format!("ratelimit:{key}"));
    let result: Result<(i64, i64), AppError> = async {
        let mut conn = ctx.redis.get().await?;
        let out: (i64, i64) = FIXED_WINDOW
            .key(&full)
            .arg(millis(limit.window))
            .invoke_async(&mut conn)
            .await?;
        Ok(out)
    }
    .await;
    match result {
        Ok((count, ttl_ms)) if count > i64::from(limit.limit) => {
            tracing::info!(key = %full, count, "rate limit reached");
            Err(retry_after(ttl_ms))
        }
        Ok(_) => Ok(()),
        Err(err) if on_outage == OnOutage::Allow => {
            tracing::warn!(key = %full, error = %err, "rate limit skipped: Redis unavailable");
            Ok(())
        }
        Err(err) => {
            tracing::warn!(key = %full, error = %err, "refused: the rate limit cannot count while Redis is unavailable");
            Err(AppError::ServiceUnavailable {
                code: "rate_limit_unavailable".into(),
                detail: "sign-in is briefly unavailable; try again in a few seconds".into(),
            })
        }
    }
}

/// Lets one event through per `interval` for `key` (a name under `ratelimit:`); an earlier
/// one is refused with 429 and the seconds left.
pub async fn space(ctx: &AppContext, key: &str, interval: Duration) -> Result<(), AppError> {
    let full = ctx.redis_key(&format!("ratelimit:{key}"));
    let result: Result<Option<i64>, AppError> = async {
        let mut conn = ctx.redis.get().await?;
        let set: Option<String> = redis::cmd("SET")
            .arg(&full)
            .arg(1)
            .arg("NX")
            .arg("PX")
            .arg(millis(interval))
            .query_async(&mut conn)
            .await?;
        if set.is_some() {
            return Ok(None);
        }
        let ttl: i64 = redis::cmd("PTTL").arg(&full).query_async(&mut conn).await?;
        Ok(Some(ttl))
    }
    .await;
    match result {
        Ok(None) => Ok(()),
        Ok(Some(ttl_ms)) => Err(retry_after(ttl_ms)),
        Err(err) => {
            tracing::warn!(key = %full, error = %err, "spacing skipped: Redis unavailable");
            Ok(())
        }
    }
}

/// A short, stable, non-reversible name for an account identifier in a key (an email
/// address never appears in Redis in clear).
pub fn account_key(platform: &str, identifier: &str) -> String {
    let digest = Sha256::digest(format!("{platform}\n{}", identifier.trim().to_lowercase()));
    hex::encode(&digest[..12])
}

/// The client's IP: the peer address, or with `trust_proxy_headers` the first address of
/// `Forwarded`/`X-Forwarded-For` (only correct behind a proxy that overwrites them).
pub fn client_ip(req: &HttpRequest, trust_proxy_headers: bool) -> String {
    let info = req.connection_info();
    let raw = if trust_proxy_headers {
        info.realip_remote_addr().map(str::to_owned)
    } else {
        info.peer_addr().map(str::to_owned)
    };
    let raw = raw.unwrap_or_else(|| "unknown".into());
    // "1.2.3.4:5678" or "[::1]:5678" -> the address only.
    raw.parse::<std::net::SocketAddr>()
        .map(|a| a.ip())
        .or_else(|_| raw.parse::<IpAddr>())
        .map_or(raw, |ip| ip.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_keys_ignore_case_and_differ_by_platform() {
        assert_eq!(
            account_key("mr-mentor", "A@B.c"),
            account_key("mr-mentor", "a@b.c ")
        );
        assert_ne!(
            account_key("mr-mentor", "a@b.c"),
            account_key("mr-hire", "a@b.c")
        );
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        let secs = |ms| match retry_after(ms) {
            AppError::TooManyRequests { retry_after_secs } => retry_after_secs,
            _ => 0,
        };
        assert_eq!(secs(1), 1);
        assert_eq!(secs(1000), 1);
        assert_eq!(secs(1001), 2);
        assert_eq!(secs(-2), 1);
    }
}

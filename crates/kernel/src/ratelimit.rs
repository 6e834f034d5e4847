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

use crate::{
    config::RateLimit,
    context::AppContext,
    error::{AppError, codes},
};

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
    AppError::too_many_requests(secs)
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
            Err(AppError::new(
                &codes::RATE_LIMIT_UNAVAILABLE,
                "sign-in is briefly unavailable; try again in a few seconds",
            ))
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

/// The client's IP. A request from a trusted proxy (`TRUSTED_PROXIES`) is attributed to the
/// right-most `X-Forwarded-For` address that is not itself a trusted proxy (each proxy
/// appends the address it saw, so addresses left of it were written by the client and prove
/// nothing); any other request to its peer address, whatever its headers say.
pub fn client_ip(req: &HttpRequest, trusted: &[ipnet::IpNet]) -> String {
    let peer = req.peer_addr().map(|a| a.ip());
    match peer {
        Some(peer) => client_ip_from(peer, forwarded_for(req), trusted).to_string(),
        None => "unknown".into(),
    }
}

fn forwarded_for(req: &HttpRequest) -> Vec<String> {
    req.headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// [`client_ip`] on plain values (unit-tested).
pub fn client_ip_from(peer: IpAddr, forwarded: Vec<String>, trusted: &[ipnet::IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut client = peer;
    for hop in forwarded.iter().rev() {
        let Some(ip) = parse_hop(hop) else {
            // a malformed entry: nothing left of it can be trusted
            return client;
        };
        client = ip;
        if !is_trusted(&ip) {
            return ip;
        }
    }
    client
}

/// `1.2.3.4`, `1.2.3.4:5678`, `::1`, `[::1]:5678`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<std::net::SocketAddr>().ok().map(|a| a.ip()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_trusted_proxies_are_believed_and_the_rightmost_untrusted_hop_is_the_client() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let nets =
            |v: &[&str]| -> Vec<ipnet::IpNet> { v.iter().map(|s| s.parse().unwrap()).collect() };
        let hops = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let proxies = nets(&["10.0.0.0/8", "127.0.0.1/32"]);
        // no trusted proxies: the header is ignored
        assert_eq!(
            client_ip_from(ip("203.0.113.9"), hops(&["1.1.1.1"]), &[]),
            ip("203.0.113.9")
        );
        // a client talking to us directly cannot choose its address
        assert_eq!(
            client_ip_from(ip("203.0.113.9"), hops(&["1.1.1.1"]), &proxies),
            ip("203.0.113.9")
        );
        // behind our proxy: the address the proxy saw, not what the client wrote before it
        assert_eq!(
            client_ip_from(ip("10.1.2.3"), hops(&["6.6.6.6", "198.51.100.7"]), &proxies),
            ip("198.51.100.7")
        );
        // two proxies of ours in a row
        assert_eq!(
            client_ip_from(
                ip("127.0.0.1"),
                hops(&["6.6.6.6", "198.51.100.7", "10.9.9.9"]),
                &proxies
            ),
            ip("198.51.100.7")
        );
        // garbage stops the walk at the last good hop
        assert_eq!(
            client_ip_from(ip("10.1.2.3"), hops(&["not-an-ip"]), &proxies),
            ip("10.1.2.3")
        );
        assert_eq!(
            client_ip_from(ip("10.1.2.3"), hops(&["[2001:db8::1]:443"]), &proxies),
            ip("2001:db8::1")
        );
    }

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
            AppError::TooManyRequests {
                retry_after_secs, ..
            } => retry_after_secs,
            _ => 0,
        };
        assert_eq!(secs(1), 1);
        assert_eq!(secs(1000), 1);
        assert_eq!(secs(1001), 2);
        assert_eq!(secs(-2), 1);
    }
}

//! The connect flow's single-use `state` and PKCE verifier: [`begin`] keeps
//! `{verifier, platform, user}` in Redis for [`STATE_TTL`] under a random `state` and returns
//! the S256 challenge for the consent URL; [`take`] reads it back once (`GETDEL`). Random
//! values come from the OS (aws-lc-rs).

use std::time::Duration;

use aws_lc_rs::{
    digest,
    rand::{SecureRandom, SystemRandom},
};
use base64::Engine as _;
use kernel::AppContext;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How long a started connection may take.
pub const STATE_TTL: Duration = Duration::from_secs(600);

/// What a started connection remembers for its callback.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pending {
    /// The PKCE verifier.
    pub verifier: String,
    /// The platform the connection was started on.
    pub platform_id: Uuid,
    /// The user who started it.
    pub user_id: Uuid,
}

/// A started connection: the `state` and the challenge to put in the consent URL.
#[derive(Debug, Clone)]
pub struct Started {
    /// The single-use state.
    pub state: String,
    /// `base64url(sha256(verifier))`.
    pub challenge: String,
}

/// 256 random bits as 43 base64url characters (RFC 7636 verifier alphabet).
pub fn random_url_token() -> anyhow::Result<String> {
    let mut buf = [0u8; 32];
    SystemRandom::new()
        .fill(&mut buf)
        .map_err(|_| anyhow::anyhow!("the OS random source failed"))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf))
}

/// The PKCE S256 challenge of a verifier.
pub fn challenge(verifier: &str) -> String {
    let hashed = digest::digest(&digest::SHA256, verifier.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(hashed.as_ref())
}

fn key(ctx: &AppContext, purpose: &str, state: &str) -> String {
    ctx.redis_key(&format!("oauth:{purpose}:state:{state}"))
}

/// Starts a connection for `purpose` (e.g. `google-drive`).
pub async fn begin(
    ctx: &AppContext,
    purpose: &str,
    platform_id: Uuid,
    user_id: Uuid,
) -> anyhow::Result<Started> {
    let state = random_url_token()?;
    let verifier = random_url_token()?;
    let challenge = challenge(&verifier);
    let pending = serde_json::to_string(&Pending {
        verifier,
        platform_id,
        user_id,
    })?;
    let mut conn = ctx
        .redis
        .get()
        .await
        .map_err(|e| anyhow::anyhow!("redis: {e}"))?;
    redis::cmd("SET")
        .arg(key(ctx, purpose, &state))
        .arg(pending)
        .arg("EX")
        .arg(STATE_TTL.as_secs())
        .query_async::<()>(&mut conn)
        .await
        .map_err(|e| anyhow::anyhow!("redis: {e}"))?;
    Ok(Started { state, challenge })
}

/// The pending connection of `state`, once; `None` when unknown, expired or used.
pub async fn take(ctx: &AppContext, purpose: &str, state: &str) -> anyhow::Result<Option<Pending>> {
    let mut conn = ctx
        .redis
        .get()
        .await
        .map_err(|e| anyhow::anyhow!("redis: {e}"))?;
    let raw: Option<String> = redis::cmd("GETDEL")
        .arg(key(ctx, purpose, state))
        .query_async(&mut conn)
        .await
        .map_err(|e| anyhow::anyhow!("redis: {e}"))?;
    Ok(raw.and_then(|r| serde_json::from_str(&r).ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_matches_rfc_7636_appendix_b() {
        assert_eq!(
            challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        let a = random_url_token().unwrap();
        assert_eq!(a.len(), 43);
        assert_ne!(a, random_url_token().unwrap());
    }
}

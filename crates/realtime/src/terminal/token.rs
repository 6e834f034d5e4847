//! Short-lived signed tokens of the terminal relay: `<session>.<role>.<user>.<exp>.<hmac>`,
//! HMAC-SHA256 over the first four parts with a key derived from the JWT secret, so a
//! token names exactly one session, one role and one user, and dies at `exp`.

use std::fmt;

use uuid::Uuid;

/// Which end of a terminal session a token opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TerminalRole {
    /// The terminal itself: its frames go to every viewer. One at a time.
    Producer,
    /// A read-only mirror.
    Viewer,
}

impl fmt::Display for TerminalRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Producer => "producer",
            Self::Viewer => "viewer",
        })
    }
}

/// What a valid token grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The session.
    pub session: Uuid,
    /// The role.
    pub role: TerminalRole,
    /// The user it was issued to.
    pub user: Uuid,
    /// Expiry, seconds since the epoch.
    pub exp: i64,
}

/// Signs and checks relay tokens.
#[derive(Clone)]
pub struct TokenSigner {
    key: Vec<u8>,
}

impl TokenSigner {
    /// A signer keyed by `secret` (the JWT secret; a domain prefix keeps the two apart).
    pub fn new(secret: &[u8]) -> Self {
        let mut key = b"mas-terminal-relay:".to_vec();
        key.extend_from_slice(secret);
        Self { key }
    }

    /// A token for `grant`.
    pub fn sign(&self, grant: &Grant) -> String {
        let body = format!(
            "{}.{}.{}.{}",
            grant.session, grant.role, grant.user, grant.exp
        );
        let mac = kernel::crypto::hmac_sha256_hex(&self.key, body.as_bytes());
        format!("{body}.{mac}")
    }

    /// The grant of `token` if its signature is right and it has not expired at `now`.
    pub fn verify(&self, token: &str, now: i64) -> Option<Grant> {
        let (body, mac) = token.rsplit_once('.')?;
        if !kernel::crypto::verify_hmac_sha256_hex(&self.key, body.as_bytes(), mac) {
            return None;
        }
        let mut parts = body.split('.');
        let session = parts.next()?.parse().ok()?;
        let role = match parts.next()? {
            "producer" => TerminalRole::Producer,
            "viewer" => TerminalRole::Viewer,
            _ => return None,
        };
        let user = parts.next()?.parse().ok()?;
        let exp: i64 = parts.next()?.parse().ok()?;
        if parts.next().is_some() || exp < now {
            return None;
        }
        Some(Grant {
            session,
            role,
            user,
            exp,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn tokens_name_one_session_role_and_expiry() {
        let signer = TokenSigner::new(b"secret");
        let grant = Grant {
            session: Uuid::now_v7(),
            role: TerminalRole::Viewer,
            user: Uuid::now_v7(),
            exp: 1_000,
        };
        let token = signer.sign(&grant);
        assert_eq!(signer.verify(&token, 999), Some(grant.clone()));
        assert_eq!(signer.verify(&token, 1_001), None, "expired");
        let forged = token.replace("viewer", "producer");
        assert_eq!(signer.verify(&forged, 999), None, "role changed");
        assert_eq!(TokenSigner::new(b"other").verify(&token, 999), None);
        assert_eq!(signer.verify("garbage", 0), None);
    }
}

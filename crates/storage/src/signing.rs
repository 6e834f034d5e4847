//! Signed URLs of the local store: HMAC-SHA256 with `STORAGE_SIGNING_SECRET` over the method,
//! the key, the expiry and (for uploads) the content type and length the uploader must send.
//!
//! The URL carries `expires` (Unix seconds) and `sig` (lowercase hex). The signature is the
//! credential, so the serving routes need no login; it is compared in constant time.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// What a signed URL allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant<'a> {
    /// `GET` or `PUT`.
    pub method: &'a str,
    /// The object key.
    pub key: &'a str,
    /// Unix seconds after which the URL is refused.
    pub expires: i64,
    /// Uploads only: the `Content-Type` the uploader must send.
    pub content_type: Option<&'a str>,
    /// Uploads only: the `Content-Length` the uploader must send.
    pub content_length: Option<u64>,
}

impl Grant<'_> {
    /// The signed string: one field per line, so no field can bleed into another (keys and
    /// media types never contain a newline).
    fn message(&self) -> String {
        format!(
            "{}\n{}\n{}\n{}\n{}",
            self.method,
            self.key,
            self.expires,
            self.content_type.unwrap_or_default(),
            self.content_length
                .map(|n| n.to_string())
                .unwrap_or_default()
        )
    }
}

/// Why a signed request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// The signature is missing, malformed or does not match.
    #[error("the signature does not match")]
    InvalidSignature,
    /// The signature matches but the URL has expired.
    #[error("the URL has expired")]
    Expired,
}

fn mac(secret: &[u8], grant: &Grant<'_>) -> Option<HmacSha256> {
    // HMAC accepts keys of any length; this never fails.
    let mut mac = <HmacSha256 as KeyInit>::new_from_slice(secret).ok()?;
    mac.update(grant.message().as_bytes());
    Some(mac)
}

/// The hex signature of a grant (`None` only if the HMAC could not be keyed, which HMAC
/// never refuses).
pub fn sign(secret: &[u8], grant: &Grant<'_>) -> Option<String> {
    mac(secret, grant).map(|m| hex::encode(m.finalize().into_bytes()))
}

/// Checks `sig` against the grant (constant-time), then the expiry against `now` (Unix
/// seconds). A bad signature is reported before expiry, so only a genuine URL learns that it
/// expired.
pub fn verify(secret: &[u8], grant: &Grant<'_>, sig: &str, now: i64) -> Result<(), Rejection> {
    let given = hex::decode(sig).map_err(|_| Rejection::InvalidSignature)?;
    let mac = mac(secret, grant).ok_or(Rejection::InvalidSignature)?;
    mac.verify_slice(&given)
        .map_err(|_| Rejection::InvalidSignature)?;
    if now > grant.expires {
        return Err(Rejection::Expired);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const SECRET: &[u8] = b"test-signing-secret";

    fn get(key: &str, expires: i64) -> Grant<'_> {
        Grant {
            method: "GET",
            key,
            expires,
            content_type: None,
            content_length: None,
        }
    }

    #[test]
    fn a_signature_verifies_until_it_expires() {
        let grant = get("mr-mentor/2026/03/x-a.png", 1_000);
        let sig = sign(SECRET, &grant).unwrap();
        assert_eq!(sig.len(), 64);
        assert_eq!(verify(SECRET, &grant, &sig, 999), Ok(()));
        assert_eq!(verify(SECRET, &grant, &sig, 1_000), Ok(()));
        assert_eq!(verify(SECRET, &grant, &sig, 1_001), Err(Rejection::Expired));
    }

    #[test]
    fn any_change_breaks_the_signature() {
        let grant = Grant {
            method: "PUT",
            key: "mr-mentor/2026/03/x-a.png",
            expires: 1_000,
            content_type: Some("image/png"),
            content_length: Some(42),
        };
        let sig = sign(SECRET, &grant).unwrap();
        assert_eq!(verify(SECRET, &grant, &sig, 0), Ok(()));
        let variants = [
            Grant {
                method: "GET",
                ..grant
            },
            Grant {
                key: "mr-hire/2026/03/x-a.png",
                ..grant
            },
            Grant {
                expires: 1_001,
                ..grant
            },
            Grant {
                content_type: Some("image/jpeg"),
                ..grant
            },
            Grant {
                content_length: Some(43),
                ..grant
            },
            Grant {
                content_type: None,
                ..grant
            },
        ];
        for other in variants {
            assert_eq!(
                verify(SECRET, &other, &sig, 0),
                Err(Rejection::InvalidSignature),
                "{other:?}"
            );
        }
        assert_eq!(
            verify(b"another-secret", &grant, &sig, 0),
            Err(Rejection::InvalidSignature)
        );
        let mut tampered = sig.clone().into_bytes();
        tampered[0] = if tampered[0] == b'0' { b'1' } else { b'0' };
        let tampered = String::from_utf8(tampered).unwrap();
        assert_eq!(
            verify(SECRET, &grant, &tampered, 0),
            Err(Rejection::InvalidSignature)
        );
        for junk in ["", "zz", &sig[..62]] {
            assert_eq!(
                verify(SECRET, &grant, junk, 0),
                Err(Rejection::InvalidSignature)
            );
        }
    }

    #[test]
    fn an_expired_url_with_a_bad_signature_is_invalid_not_expired() {
        let grant = get("mr-mentor/a.png", 10);
        assert_eq!(
            verify(SECRET, &grant, &"0".repeat(64), 1_000),
            Err(Rejection::InvalidSignature)
        );
    }
}

//! Webhook credentials: constant-time comparison of shared secrets and HMAC-SHA256
//! signatures over the raw body.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// Compares two secrets in time independent of where they differ and of their lengths
/// (both are hashed to 32 bytes first, then compared without an early exit).
pub fn secrets_equal(given: &[u8], expected: &[u8]) -> bool {
    let a = Sha256::digest(given);
    let b = Sha256::digest(expected);
    let diff = a
        .iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0 && given.len() == expected.len()
}

/// Checks `X-Hub-Signature-256: sha256=<hex>` against the HMAC-SHA256 of `body` under
/// `secret`, in constant time.
pub fn valid_hub_signature(secret: &[u8], body: &[u8], header: Option<&str>) -> bool {
    let Some(hex_sig) = header.and_then(|h| h.trim().strip_prefix("sha256=")) else {
        return false;
    };
    let Ok(signature) = hex::decode(hex_sig) else {
        return false;
    };
    let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(secret) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&signature).is_ok()
}

/// `sha256=<hex>` of `body` under `secret` (what the provider sends; used by tests and tools).
pub fn hub_signature(secret: &[u8], body: &[u8]) -> String {
    match <Hmac<Sha256> as KeyInit>::new_from_slice(secret) {
        Ok(mut mac) => {
            mac.update(body);
            format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
        }
        // HMAC takes keys of any length; this arm is unreachable in practice.
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_exactly() {
        assert!(secrets_equal(b"s3cret-token", b"s3cret-token"));
        assert!(!secrets_equal(b"s3cret-token", b"s3cret-tokeN"));
        assert!(!secrets_equal(b"s3cret", b"s3cret-token"));
        assert!(!secrets_equal(b"", b"x"));
    }

    #[test]
    fn hub_signatures_verify_and_tampering_fails() {
        let body = br#"{"object":"whatsapp_business_account"}"#;
        let sig = hub_signature(b"app-secret", body);
        assert!(sig.starts_with("sha256=") && sig.len() == 7 + 64, "{sig}");
        assert!(valid_hub_signature(b"app-secret", body, Some(&sig)));
        assert!(!valid_hub_signature(b"other-secret", body, Some(&sig)));
        assert!(!valid_hub_signature(b"app-secret", b"{}", Some(&sig)));
        assert!(!valid_hub_signature(b"app-secret", body, None));
        assert!(!valid_hub_signature(b"app-secret", body, Some("sha256=zz")));
        assert!(!valid_hub_signature(
            b"app-secret",
            body,
            Some(sig.trim_start_matches("sha256="))
        ));
    }
}

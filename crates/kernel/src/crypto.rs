//! Small cryptographic helpers shared by webhooks, signed links and forms: constant-time
//! comparison of secrets and HMAC-SHA256 signatures.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

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

/// HMAC-SHA256 of `message` under `secret`, as lowercase hex.
pub fn hmac_sha256_hex(secret: &[u8], message: &[u8]) -> String {
    match <HmacSha256 as KeyInit>::new_from_slice(secret) {
        Ok(mut mac) => {
            mac.update(message);
            hex::encode(mac.finalize().into_bytes())
        }
        // HMAC takes keys of any length; this arm is unreachable in practice.
        Err(_) => String::new(),
    }
}

/// Whether `signature_hex` is the HMAC-SHA256 of `message` under `secret` (constant time).
pub fn verify_hmac_sha256_hex(secret: &[u8], message: &[u8], signature_hex: &str) -> bool {
    let Ok(signature) = hex::decode(signature_hex.trim()) else {
        return false;
    };
    let Ok(mut mac) = <HmacSha256 as KeyInit>::new_from_slice(secret) else {
        return false;
    };
    mac.update(message);
    mac.verify_slice(&signature).is_ok()
}

/// SHA-256 of `data` as lowercase hex (token digests stored at rest).
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
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
    fn hmac_signatures_verify_and_tampering_fails() {
        // RFC 4231 test case 2
        let sig = hmac_sha256_hex(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            sig,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert!(verify_hmac_sha256_hex(
            b"Jefe",
            b"what do ya want for nothing?",
            &sig
        ));
        assert!(!verify_hmac_sha256_hex(
            b"Jefe",
            b"what do ya want for nothing!",
            &sig
        ));
        assert!(!verify_hmac_sha256_hex(
            b"jefe",
            b"what do ya want for nothing?",
            &sig
        ));
        assert!(!verify_hmac_sha256_hex(b"Jefe", b"x", "zz"));
    }
}

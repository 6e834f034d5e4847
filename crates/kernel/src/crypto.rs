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

/// A 32-byte key for one purpose, derived from `master` with HKDF-SHA256 (RFC 5869): the salt
/// names this application, `label` the purpose (`identity/otp-codes/v1`…). Keys of different
/// labels are independent, so a key leaked or misused for one purpose says nothing about
/// another, and none reveals the master (the JWT secret).
pub fn derive_key(master: &[u8], label: &str) -> [u8; 32] {
    let hk = hkdf::Hkdf::<Sha256>::new(Some(b"mas-gateway key derivation v1"), master);
    let mut okm = [0u8; 32];
    // 32 bytes is far below HKDF-SHA256's 8160-byte limit: expand cannot fail
    if hk.expand(label.as_bytes(), &mut okm).is_err() {
        okm = Sha256::digest([master, label.as_bytes()].concat()).into();
    }
    okm
}

/// SHA-256 of `data` as lowercase hex (token digests stored at rest).
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_keys_follow_rfc5869_and_differ_by_label() {
        // RFC 5869 test case 1 (IKM 22 x 0x0b, salt 00..0c, info f0..f9), checked through the
        // same construction with that salt and info
        let ikm = [0x0b_u8; 22];
        let salt: Vec<u8> = (0x00..=0x0c).collect();
        let info: Vec<u8> = (0xf0..=0xf9).collect();
        let hk = hkdf::Hkdf::<Sha256>::new(Some(&salt), &ikm);
        let mut okm = [0u8; 42];
        hk.expand(&info, &mut okm).unwrap();
        assert_eq!(
            hex::encode(okm),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
        );
        let a = derive_key(b"master secret of at least 32 chars!!", "one/v1");
        let b = derive_key(b"master secret of at least 32 chars!!", "two/v1");
        let c = derive_key(b"another master secret of 32 chars!!!", "one/v1");
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_eq!(
            a,
            derive_key(b"master secret of at least 32 chars!!", "one/v1")
        );
    }

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

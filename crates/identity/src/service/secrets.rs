//! Random secrets and their digests: refresh tokens, reset tokens, OTP codes, API keys,
//! OAuth state and PKCE verifiers. Everything random comes from the OS (`getrandom`);
//! everything compared is compared in constant time.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::IdentityError;

/// `N` random bytes from the operating system.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], IdentityError> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|e| anyhow::anyhow!("the OS random source failed: {e}"))?;
    Ok(buf)
}

/// 256 random bits as 64 hex characters (refresh and reset tokens).
pub fn random_token() -> Result<String, IdentityError> {
    Ok(hex::encode(random_bytes::<32>()?))
}

/// 256 random bits as 43 base64url characters (OAuth state, PKCE verifier: RFC 7636 asks
/// for 43-128 characters of `[A-Za-z0-9-._~]`).
pub fn random_url_token() -> Result<String, IdentityError> {
    Ok(base64url(&random_bytes::<32>()?))
}

/// A uniformly random 6-digit code (rejection sampling, no modulo bias).
pub fn otp_code() -> Result<String, IdentityError> {
    const LIMIT: u32 = u32::MAX - (u32::MAX % 1_000_000);
    loop {
        let n = u32::from_le_bytes(random_bytes::<4>()?);
        if n < LIMIT {
            return Ok(format!("{:06}", n % 1_000_000));
        }
    }
}

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> Vec<u8> {
    Sha256::digest(data).to_vec()
}

/// HMAC-SHA256 of `message` under `key`.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> Result<Vec<u8>, IdentityError> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key)
        .map_err(|e| anyhow::anyhow!("HMAC key: {e}"))?;
    mac.update(message);
    Ok(mac.finalize().into_bytes().to_vec())
}

/// Constant-time equality.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// Unpadded base64url (RFC 4648 §5), for PKCE challenges and URL-safe tokens.
pub fn base64url(data: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(data)
}

/// The PKCE S256 challenge of a verifier: `base64url(sha256(verifier))`.
pub fn pkce_challenge(verifier: &str) -> String {
    base64url(&Sha256::digest(verifier.as_bytes()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn base64url_matches_rfc_4648_vectors() {
        assert_eq!(base64url(b""), "");
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(b"foob"), "Zm9vYg");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn pkce_challenge_matches_rfc_7636_appendix_b() {
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn codes_are_six_digits_and_tokens_differ() {
        for _ in 0..100 {
            let c = otp_code().unwrap();
            assert_eq!(c.len(), 6);
            assert!(c.bytes().all(|b| b.is_ascii_digit()));
        }
        assert_ne!(random_token().unwrap(), random_token().unwrap());
        assert_eq!(random_url_token().unwrap().len(), 43);
        assert!(ct_eq(b"abc", b"abc"));
        assert!(!ct_eq(b"abc", b"abd"));
        assert!(!ct_eq(b"abc", b"ab"));
    }
}

//! Webhook credentials: constant-time comparison of shared secrets and HMAC-SHA256
//! signatures over the raw body.

pub use kernel::crypto::secrets_equal;

/// Checks `X-Hub-Signature-256: sha256=<hex>` against the HMAC-SHA256 of `body` under
/// `secret`, in constant time.
pub fn valid_hub_signature(secret: &[u8], body: &[u8], header: Option<&str>) -> bool {
    header
        .and_then(|h| h.trim().strip_prefix("sha256="))
        .is_some_and(|sig| kernel::crypto::verify_hmac_sha256_hex(secret, body, sig))
}

/// `sha256=<hex>` of `body` under `secret` (what the provider sends; used by tests and tools).
pub fn hub_signature(secret: &[u8], body: &[u8]) -> String {
    format!("sha256={}", kernel::crypto::hmac_sha256_hex(secret, body))
}

#[cfg(test)]
mod tests {
    use super::*;

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

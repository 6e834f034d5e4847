//! The production rule for secrets (no example values, enough entropy) and the labels of the
//! per-purpose keys derived from `JWT_SECRET`. Every crate's configuration section checks its
//! own secrets with [`check_production_secret`].

use super::env::{ConfigError, invalid};

/// The development-only JWT secret used when `JWT_SECRET` is unset outside production.
pub const DEV_JWT_SECRET: &str = "development-only-jwt-secret-change-me-0123456789";

/// Values published in examples and documentation (the k8s example, old `.env` files): refused
/// in production, whatever their length.
const EXAMPLE_SECRETS: &[&str] = &[DEV_JWT_SECRET, "change-me-to-at-least-32-random-characters"];

/// Words that only example values contain.
const EXAMPLE_MARKERS: &[&str] = &[
    "change-me",
    "changeme",
    "change_me",
    "replace-me",
    "example",
    "placeholder",
    "your-secret",
    "development-only",
];

/// Least estimated entropy of a production secret, in bits (32 random hex characters are about
/// 124 by this estimate, 48 random bytes in base64 about 350).
pub const MIN_SECRET_BITS: f64 = 120.0;

/// The labels of the keys derived from `JWT_SECRET` with HKDF ([`super::Config::derived_key`]);
/// each purpose has its own key, and a new label version rotates one purpose alone.
pub mod labels {
    /// HMAC of stored one-time codes.
    pub const OTP_CODES: &str = "identity/otp-codes/v1";
    /// Signatures of the mentor's emailed action links.
    pub const ACTION_LINKS: &str = "mentorship/action-links/v1";
    /// Signatures of terminal relay tokens.
    pub const TERMINAL_TOKENS: &str = "realtime/terminal-tokens/v1";
    /// Default sealing key of stored Google refresh tokens (`GOOGLE_CALENDAR_TOKEN_KEY`).
    pub const GOOGLE_CALENDAR_SEAL: &str = "integrations/google-calendar-seal/v1";
    /// Default HMAC key of local signed URLs (`STORAGE_SIGNING_SECRET`).
    pub const STORAGE_SIGNED_URLS: &str = "storage/signed-urls/v1";
    /// Sealing key of the LLM providers' credentials stored by the admin (`ai_credentials`).
    pub const AI_CREDENTIALS_SEAL: &str = "integrations/ai-credentials-seal/v1";
}

/// The entropy of `secret` estimated from its characters: length times the Shannon entropy of
/// their distribution. Not a proof of randomness; it catches repeated, dictionary-like and
/// short values.
pub fn estimated_entropy_bits(secret: &str) -> f64 {
    let chars: Vec<char> = secret.chars().collect();
    if chars.is_empty() {
        return 0.0;
    }
    let mut counts = std::collections::HashMap::new();
    for c in &chars {
        *counts.entry(*c).or_insert(0usize) += 1;
    }
    let n = chars.len() as f64;
    let per_char: f64 = counts
        .values()
        .map(|&k| {
            let p = k as f64 / n;
            -p * p.log2()
        })
        .sum();
    per_char * n
}

/// Refuses example values and weak secrets; call it in production only, on the secret as it
/// is in force (a value derived from the JWT secret passes).
pub fn check_production_secret(name: &str, value: &str) -> Result<(), ConfigError> {
    let lower = value.to_ascii_lowercase();
    if EXAMPLE_SECRETS.contains(&value) || EXAMPLE_MARKERS.iter().any(|m| lower.contains(m)) {
        return Err(invalid(
            name,
            "is an example value; generate one, e.g. `openssl rand -base64 48`",
        ));
    }
    let bits = estimated_entropy_bits(value);
    if bits < MIN_SECRET_BITS {
        return Err(invalid(
            name,
            format!(
                "is too weak for production (about {bits:.0} bits, at least {MIN_SECRET_BITS:.0}); \
                 use e.g. `openssl rand -base64 48`"
            ),
        ));
    }
    Ok(())
}

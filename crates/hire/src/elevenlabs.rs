//! The ElevenLabs conversational-agent client (Aarya): outbound calls, a conversation's status
//! with its transcript and analysis, its audio, and the post-call webhook's signature. Base URL
//! configurable (`ELEVENLABS_API_BASE`; wiremock in tests); the key goes in `xi-api-key` and
//! never into logs.

use std::time::Duration;

use actix_web::web::Bytes;
use kernel::{AppError, error::codes as kernel_codes};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use crate::{HireConfig, HireError};

/// How long a signed webhook stays acceptable (seconds either side of now).
pub const SIGNATURE_TOLERANCE_SECS: i64 = 30 * 60;

/// The configured client (none without `ELEVENLABS_API_KEY` and the agent's ids: 503).
#[derive(Clone)]
pub struct ElevenLabs {
    http: reqwest::Client,
    base: String,
    key: SecretString,
    agent_id: String,
    phone_number_id: String,
}

impl std::fmt::Debug for ElevenLabs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ElevenLabs")
            .field("base", &self.base)
            .field("agent_id", &self.agent_id)
            .finish_non_exhaustive()
    }
}

fn upstream(message: String) -> HireError {
    HireError::App(AppError::new(&kernel_codes::BAD_GATEWAY, message))
}

impl ElevenLabs {
    /// The client of a configuration, when it has a key, an agent and a phone number.
    pub fn from_config(config: &HireConfig) -> Option<Self> {
        let key = config.elevenlabs_api_key.clone()?;
        Some(Self {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(20))
                .build()
                .ok()?,
            base: config.elevenlabs_api_base.trim_end_matches('/').to_owned(),
            key,
            agent_id: config.elevenlabs_agent_id.clone()?,
            phone_number_id: config.elevenlabs_phone_number_id.clone()?,
        })
    }

    /// Starts Aarya's call to `to_number` (E.164); answers the conversation id.
    pub async fn outbound_call(
        &self,
        to_number: &str,
        variables: Value,
    ) -> Result<String, HireError> {
        self.outbound_call_as(&self.agent_id, to_number, variables)
            .await
    }

    /// Starts a call by another agent of the account (Miss Ozone's configurations name
    /// theirs) from the same phone number; answers the conversation id.
    pub async fn outbound_call_as(
        &self,
        agent_id: &str,
        to_number: &str,
        variables: Value,
    ) -> Result<String, HireError> {
        let res = self
            .http
            .post(format!("{}/v1/convai/twilio/outbound-call", self.base))
            .header("xi-api-key", self.key.expose_secret())
            .json(&json!({
                "agent_id": agent_id,
                "agent_phone_number_id": self.phone_number_id,
                "to_number": to_number,
                "conversation_initiation_client_data": {"dynamic_variables": variables},
            }))
            .send()
            .await
            .map_err(|e| upstream(format!("ElevenLabs is unreachable: {e}")))?;
        let status = res.status();
        let body: Value = res.json().await.unwrap_or(Value::Null);
        if !status.is_success() || body["success"] == false {
            return Err(upstream(format!("ElevenLabs refused the call ({status})")));
        }
        body["conversation_id"]
            .as_str()
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| upstream("ElevenLabs answered no conversation id".into()))
    }

    /// A conversation: `status` (`initiated`, `in-progress`, `processing`, `done`,
    /// `failed`), `transcript`, `analysis`.
    pub async fn conversation(&self, id: &str) -> Result<Value, HireError> {
        let res = self
            .http
            .get(format!(
                "{}/v1/convai/conversations/{}",
                self.base,
                kernel::text::percent_encode(id)
            ))
            .header("xi-api-key", self.key.expose_secret())
            .send()
            .await
            .map_err(|e| upstream(format!("ElevenLabs is unreachable: {e}")))?;
        if !res.status().is_success() {
            return Err(upstream(format!("ElevenLabs answered {}", res.status())));
        }
        res.json()
            .await
            .map_err(|e| upstream(format!("ElevenLabs answered no JSON: {e}")))
    }

    /// A conversation's recording (audio/mpeg).
    pub async fn audio(&self, id: &str) -> Result<Bytes, HireError> {
        let res = self
            .http
            .get(format!(
                "{}/v1/convai/conversations/{}/audio",
                self.base,
                kernel::text::percent_encode(id)
            ))
            .header("xi-api-key", self.key.expose_secret())
            .send()
            .await
            .map_err(|e| upstream(format!("ElevenLabs is unreachable: {e}")))?;
        if !res.status().is_success() {
            return Err(upstream(format!("ElevenLabs answered {}", res.status())));
        }
        res.bytes()
            .await
            .map_err(|e| upstream(format!("reading the recording failed: {e}")))
    }
}

/// Longest `ElevenLabs-Signature` header read: a timestamp and a few signatures (key
/// rotation) fit in far less; anything longer is refused before any hashing.
pub const MAX_SIGNATURE_HEADER_LEN: usize = 512;
/// Most `v0=` signatures compared (ElevenLabs sends one, two while a secret rotates).
pub const MAX_SIGNATURES: usize = 4;

/// Checks `ElevenLabs-Signature: t=<unix seconds>,v0=<hex HMAC-SHA256 of "<t>.<body>">`
/// within [`SIGNATURE_TOLERANCE_SECS`] of `now`. The body is hashed once, whatever the header
/// holds: a header over [`MAX_SIGNATURE_HEADER_LEN`] bytes or with more than
/// [`MAX_SIGNATURES`] signatures is refused unread, so an anonymous caller cannot make the
/// server hash a large body once per listed signature.
pub fn verify_signature(secret: &str, header: &str, body: &[u8], now: i64) -> bool {
    if header.len() > MAX_SIGNATURE_HEADER_LEN {
        return false;
    }
    let mut t = None;
    let mut v0 = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => t = value.parse::<i64>().ok(),
            Some(("v0", value)) => v0.push(value.trim()),
            _ => {}
        }
    }
    let Some(t) = t else {
        return false;
    };
    if v0.is_empty() || v0.len() > MAX_SIGNATURES || (now - t).abs() > SIGNATURE_TOLERANCE_SECS {
        return false;
    }
    let mut message = format!("{t}.").into_bytes();
    message.extend_from_slice(body);
    let expected = kernel::crypto::hmac_sha256_hex(secret.as_bytes(), &message);
    v0.iter().any(|sig| {
        kernel::crypto::secrets_equal(sig.to_ascii_lowercase().as_bytes(), expected.as_bytes())
    })
}

/// The header value ElevenLabs would send for `body` at `t` (tests and tools).
pub fn sign(secret: &str, body: &[u8], t: i64) -> String {
    let mut message = format!("{t}.").into_bytes();
    message.extend_from_slice(body);
    format!(
        "t={t},v0={}",
        kernel::crypto::hmac_sha256_hex(secret.as_bytes(), &message)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_bind_the_body_and_the_time() {
        let body = br#"{"type":"post_call_transcription"}"#;
        let header = sign("whsec", body, 1_000_000);
        assert!(verify_signature("whsec", &header, body, 1_000_100));
        assert!(!verify_signature("other", &header, body, 1_000_100));
        assert!(!verify_signature("whsec", &header, b"{}", 1_000_100));
        assert!(!verify_signature("whsec", &header, body, 1_000_000 + 3_600));
        assert!(!verify_signature("whsec", "v0=abc", body, 1_000_000));
        // upper-case hex is the same signature
        assert!(verify_signature(
            "whsec",
            &header
                .to_ascii_uppercase()
                .replace("T=", "t=")
                .replace("V0=", "v0="),
            body,
            1_000_100
        ));
    }

    #[test]
    fn a_header_listing_many_signatures_is_refused() {
        let body = vec![b'x'; 1 << 20];
        let good = sign("whsec", &body, 1_000_000);
        // the right signature among more than the allowed number: refused
        let padded = format!("{good}{}", ",v0=".repeat(MAX_SIGNATURES));
        assert!(padded.len() <= MAX_SIGNATURE_HEADER_LEN);
        assert!(!verify_signature("whsec", &padded, &body, 1_000_000));
        // thousands of empty signatures (a long header): refused by length
        let flood = format!("t=1000000{}", ",v0=".repeat(30_000));
        assert!(!verify_signature("whsec", &flood, &body, 1_000_000));
        // a rotation's two signatures: accepted when one matches
        let rotated = format!("{good},v0={}", "ab".repeat(32));
        assert!(verify_signature("whsec", &rotated, &body, 1_000_000));
    }
}

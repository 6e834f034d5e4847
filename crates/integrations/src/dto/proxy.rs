//! Bodies of `POST /api/credential-proxy/{provider}`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use validator::Validate;

/// What to send to the provider (the key is added by the server).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct ProxyRequest {
    /// `GET` or `POST` (each allowed path takes one).
    #[validate(length(min = 1, max = 10))]
    #[schema(
        min_length = 1,
        max_length = 10,
        example = "POST",
        pattern = r"^(GET|POST|get|post)$"
    )]
    pub method: String,
    /// A path on the provider's allow-list, relative to its configured base URL (e.g.
    /// `/chat/completions` for OpenAI, `/v1/messages` for Anthropic); no query, encoding,
    /// host or `..`.
    #[validate(length(min = 1, max = 300))]
    #[schema(
        min_length = 1,
        max_length = 300,
        example = "/chat/completions",
        pattern = r"^(/chat/completions|/embeddings|/models|/v1/messages|/v1/messages/count_tokens|/v1/models|/v1beta/models|/v1beta/models/[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}:(generateContent|countTokens|embedContent))$"
    )]
    pub path: String,
    /// Query parameters (at most 10; names `[a-z_]{1,40}` other than `key`; values up to
    /// 200 characters).
    #[serde(default)]
    #[schema(value_type = Option<BTreeMap<String, String>>)]
    pub query: Option<BTreeMap<String, String>>,
    /// The JSON body (POST only; at most 512 KiB as JSON text).
    #[serde(default)]
    pub body: Option<Value>,
}

/// The provider's answer, filtered.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProxyResponse {
    /// The provider's HTTP status.
    pub status: u16,
    /// The passed-through headers (content type, retry-after, rate-limit counters).
    pub headers: BTreeMap<String, String>,
    /// The provider's body: JSON when it answered JSON, else its text; the key is scrubbed.
    pub body: Value,
}

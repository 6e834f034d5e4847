//! The credential proxy's policy, applied before anything is sent (pure functions, unit
//! tested): which paths and methods each provider allows, what a path may look like (a
//! plain relative path: no `..`, `//`, scheme, host, `@`, `%`-encoding, backslash, query or
//! fragment, so the request cannot leave the provider's configured base URL), which
//! response headers come back, and scrubbing the key out of an answer.

use crate::entities::kinds::ProviderName;

/// Largest request body forwarded (JSON text), bytes (under the API's 1 MiB JSON limit, so
/// this check is the one that answers).
pub const MAX_BODY_BYTES: usize = 512 * 1024;
/// Largest provider answer read, bytes.
pub const MAX_ANSWER_BYTES: usize = 8 * 1024 * 1024;
/// Most query parameters.
pub const MAX_QUERY_PARAMS: usize = 10;
/// The response headers passed back (everything else is dropped).
pub const PASSED_HEADERS: &[&str] = &[
    "content-type",
    "retry-after",
    "x-ratelimit-limit-requests",
    "x-ratelimit-remaining-requests",
    "x-ratelimit-limit-tokens",
    "x-ratelimit-remaining-tokens",
    "anthropic-ratelimit-requests-remaining",
    "anthropic-ratelimit-tokens-remaining",
];

/// One allowed route: a method and a path pattern relative to the provider's base URL
/// (`{model}` matches one model name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowed {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// The pattern.
    pub path: &'static str,
}

const fn allow(method: &'static str, path: &'static str) -> Allowed {
    Allowed { method, path }
}

/// OpenAI-compatible providers (the base URL ends in `/v1`: `OPENAI_API_BASE`, `GROQ_API_BASE`).
const OPENAI: &[Allowed] = &[
    allow("POST", "/chat/completions"),
    allow("POST", "/embeddings"),
    allow("GET", "/models"),
];
/// Anthropic (`ANTHROPIC_API_BASE` is the host).
const ANTHROPIC: &[Allowed] = &[
    allow("POST", "/v1/messages"),
    allow("POST", "/v1/messages/count_tokens"),
    allow("GET", "/v1/models"),
];
/// Gemini (`GEMINI_API_BASE` is the host).
const GEMINI: &[Allowed] = &[
    allow("POST", "/v1beta/models/{model}:generateContent"),
    allow("POST", "/v1beta/models/{model}:countTokens"),
    allow("POST", "/v1beta/models/{model}:embedContent"),
    allow("GET", "/v1beta/models"),
];

/// The allow-list of a provider.
pub fn allowed(provider: ProviderName) -> &'static [Allowed] {
    match provider {
        ProviderName::Openai | ProviderName::Groq => OPENAI,
        ProviderName::Anthropic => ANTHROPIC,
        ProviderName::Gemini => GEMINI,
    }
}

/// Why a request is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The path is malformed or not allowed.
    Path(String),
    /// The method is not allowed for this path.
    Method(String),
}

/// A path's shape: starts with `/`, 1-300 characters of `[A-Za-z0-9/_.:-]`, no empty,
/// `.` or `..` segment.
fn plain_path(path: &str) -> Result<(), String> {
    if path.is_empty() || path.len() > 300 {
        return Err("must be 1-300 characters".into());
    }
    if !path.starts_with('/') {
        return Err("must start with '/' (relative to the provider's base URL)".into());
    }
    if let Some(c) = path
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '.' | ':' | '-')))
    {
        return Err(format!(
            "must not contain {c:?} (no encoding, host, query or fragment)"
        ));
    }
    if path[1..]
        .split('/')
        .any(|s| s.is_empty() || s == "." || s == "..")
    {
        return Err("must not contain empty, '.' or '..' segments".into());
    }
    Ok(())
}

fn model_name(s: &str) -> bool {
    (1..=100).contains(&s.len())
        && !s.starts_with('.')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

fn matches(pattern: &str, path: &str) -> bool {
    match pattern.split_once("{model}") {
        None => pattern == path,
        Some((before, after)) => path
            .strip_prefix(before)
            .and_then(|rest| rest.strip_suffix(after))
            .is_some_and(model_name),
    }
}

/// Checks a method and path against the provider's allow-list.
pub fn check(provider: ProviderName, method: &str, path: &str) -> Result<(), Refusal> {
    plain_path(path).map_err(Refusal::Path)?;
    let routes: Vec<&Allowed> = allowed(provider)
        .iter()
        .filter(|a| matches(a.path, path))
        .collect();
    if routes.is_empty() {
        return Err(Refusal::Path(format!(
            "{path} is not on {}'s allow-list",
            provider.as_str()
        )));
    }
    if !routes.iter().any(|a| a.method == method) {
        return Err(Refusal::Method(format!(
            "{method} is not allowed on {path}"
        )));
    }
    Ok(())
}

/// Whether a query parameter name may be forwarded (`[a-z_]{1,40}`, not `key`: keys travel
/// only in headers).
pub fn query_name(name: &str) -> bool {
    (1..=40).contains(&name.len())
        && name != "key"
        && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

/// `text` with every occurrence of the key, and of its first and last 8 characters (what
/// providers echo as a "hint"), replaced by `[redacted]`.
pub fn scrub(text: &str, key: &str) -> String {
    if key.len() < 8 {
        return text.to_owned();
    }
    let mut out = text.replace(key, "[redacted]");
    // by characters, not bytes: a key with a multi-byte character must not panic here (the
    // panic's message would quote it)
    let chars = key.chars().count();
    if chars >= 16 {
        let head_end = key.char_indices().nth(8).map_or(key.len(), |(i, _)| i);
        let tail_start = key.char_indices().nth(chars - 8).map_or(0, |(i, _)| i);
        out = out
            .replace(&key[..head_end], "[redacted]")
            .replace(&key[tail_start..], "[redacted]");
    }
    out
}

#[cfg(test)]
mod tests;

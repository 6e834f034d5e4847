//! The HTTP side of Graphy and EzExam: one `GET` of a JSON page with the config's key (Graphy
//! `Authorization: Bearer`, EzExam `X-Api-Key`; never in a URL), failures as
//! [`ProviderError`] with the key scrubbed from every message, and the paged listing shape
//! both APIs share: `{"data": [...], "page": N, "per_page": M, "has_more": bool}`.

use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::SyncKind;
use crate::provider::{ProviderError, read_json};

/// One page of a listing.
#[derive(Debug, Clone, PartialEq)]
pub struct Paged<T> {
    /// The items.
    pub data: Vec<T>,
    /// Whether another page follows.
    pub has_more: bool,
}

/// The client of both APIs (one connection pool, the sync's timeout).
#[derive(Debug, Clone)]
pub struct ExternalClient {
    http: reqwest::Client,
}

impl ExternalClient {
    /// A client with `timeout` per call, no redirects.
    pub fn new(timeout: std::time::Duration) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(std::time::Duration::from_secs(5)))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("mas-gateway/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { http })
    }

    /// `GET {base}{path}?{query}` with the key, the JSON answer on 2xx.
    pub async fn get(
        &self,
        kind: SyncKind,
        base: &str,
        key: &SecretString,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Value, ProviderError> {
        let provider = kind.provider();
        let url = format!("{}{path}", base.trim_end_matches('/'));
        let request = self.http.get(url).query(query);
        let request = match kind {
            SyncKind::Mrlearn => request.bearer_auth(key.expose_secret()),
            SyncKind::Mrtest => request.header("X-Api-Key", key.expose_secret()),
        };
        let result = match request.send().await {
            Ok(res) => read_json(provider, res, "/error/message").await,
            Err(err) => Err(ProviderError::transport(provider, err)),
        };
        result.map_err(|e| scrub(e, key.expose_secret()))
    }

    /// One page of a listing, its items read as `T`.
    pub async fn page<T: DeserializeOwned>(
        &self,
        kind: SyncKind,
        base: &str,
        key: &SecretString,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Paged<T>, ProviderError> {
        let body = self.get(kind, base, key, path, query).await?;
        parse_page(kind.provider(), body)
    }
}

/// Reads `{data, has_more}`; an item that does not read fails the page (the provider changed
/// its shape: a retry would not help).
pub fn parse_page<T: DeserializeOwned>(
    provider: &'static str,
    body: Value,
) -> Result<Paged<T>, ProviderError> {
    let has_more = body
        .get("has_more")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let data = match body.get("data") {
        Some(Value::Array(items)) => items.clone(),
        _ => {
            return Err(ProviderError::Body {
                provider,
                message: "the page has no `data` array".into(),
            });
        }
    };
    let data = data
        .into_iter()
        .map(serde_json::from_value)
        .collect::<Result<Vec<T>, _>>()
        .map_err(|e| ProviderError::Body {
            provider,
            message: format!("an item of the page does not read: {e}"),
        })?;
    Ok(Paged { data, has_more })
}

/// The error without the key in any message (a provider may echo what it was sent).
pub fn scrub(err: ProviderError, key: &str) -> ProviderError {
    let clean = |m: String| {
        if key.len() >= 4 {
            m.replace(key, "[redacted]")
        } else {
            m
        }
    };
    match err {
        ProviderError::Transport { provider, message } => ProviderError::Transport {
            provider,
            message: clean(message),
        },
        ProviderError::Status {
            provider,
            status,
            message,
        } => ProviderError::Status {
            provider,
            status,
            message: clean(message),
        },
        ProviderError::Body { provider, message } => ProviderError::Body {
            provider,
            message: clean(message),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pages_read_and_keys_are_scrubbed() {
        let page: Paged<Value> =
            parse_page("Graphy", json!({"data": [{"id": "a"}], "has_more": true})).unwrap();
        assert_eq!(page.data.len(), 1);
        assert!(page.has_more);
        assert!(parse_page::<Value>("Graphy", json!({"items": []})).is_err());
        let err = scrub(
            ProviderError::Status {
                provider: "Graphy",
                status: 401,
                message: "bad key gk_live_secret".into(),
            },
            "gk_live_secret",
        );
        assert!(!err.to_string().contains("gk_live_secret"), "{err}");
    }
}

//! The admin screens' read-only proxy: one allow-listed listing of Graphy or EzExam, called
//! with a config's sealed key and base URL. The key never leaves: it travels in a header,
//! and any echo of it in the answer or an error is replaced by `[redacted]`.

use kernel::Tenant;
use secrecy::ExposeSecret;
use serde_json::Value;

use super::configs;
use crate::{
    IntegrationsError,
    dto::sync_runs::{ProxyPage, ProxyQuery},
    sync::{ExternalSync, SyncKind},
};

/// Calls `path` (a constant of the allow-list, never caller text) with `query`'s page.
#[tracing::instrument(skip_all, fields(kind = kind.as_str(), path), err)]
pub async fn list(
    sync: &ExternalSync,
    tenant: &Tenant,
    kind: SyncKind,
    path: &str,
    query: &ProxyQuery,
) -> Result<ProxyPage, IntegrationsError> {
    let row = configs::get(&sync.ctx.db, tenant, kind, query.config_id).await?;
    let key = configs::open_key(sync, kind, &row)?;
    let page = query.page.unwrap_or(1);
    let per_page = query.per_page.unwrap_or(20);
    let mut params = vec![
        ("page", page.to_string()),
        ("per_page", per_page.to_string()),
    ];
    if let Some(search) = query
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        params.push(("search", search.to_owned()));
    }
    let base = sync.base_url(kind, row.base_url.as_deref());
    let body = sync
        .client
        .get(kind, base, &key, path, &params)
        .await
        .map_err(|e| IntegrationsError::ExternalApi(e.to_string()))?;
    let secret = key.expose_secret();
    let body = if secret.len() >= 4 && body.to_string().contains(secret) {
        let clean = body.to_string().replace(secret, "[redacted]");
        serde_json::from_str(&clean).map_err(anyhow::Error::new)?
    } else {
        body
    };
    let data = match body.get("data") {
        Some(Value::Array(items)) => items.clone(),
        _ => {
            return Err(IntegrationsError::ExternalApi(format!(
                "{} answered a page without a `data` array",
                kind.provider()
            )));
        }
    };
    Ok(ProxyPage {
        data,
        page,
        per_page,
        has_more: body
            .get("has_more")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    })
}

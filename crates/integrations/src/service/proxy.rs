//! The credential proxy: an internal service (an ADMIN or SUPERADMIN service account) calls
//! an LLM provider through the gateway without holding its key. The request is checked
//! against the provider's allow-list ([`crate::proxy`]), refused when the platform's monthly
//! AI budget is spent, sent to the configured base URL with the sealed key added as the
//! provider's auth header, and answered with the status, a few headers and the body with
//! the key scrubbed out. Every call is recorded in `ai_calls` (agent `proxy`, tokens from the
//! answer's usage, cost from the `AI_PROXY_*_PRICE_PER_MTOK_PAISE` settings) and audited
//! (method, path, status; never a body or the key).

use std::{collections::BTreeMap, time::Instant};

use kernel::{audit, auth::AuthUser};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use crate::{
    Integrations, IntegrationsError,
    dto::proxy::{ProxyRequest, ProxyResponse},
    entities::kinds::{Agent, Outcome, ProviderName},
    llm::{agents::ProviderEntry, count},
    proxy::{self as policy, Refusal},
    service::{
        budget,
        calls::{self, Attempt},
        credentials,
    },
    settings::{AI_PROXY_INPUT_PRICE_PER_MTOK_PAISE, AI_PROXY_OUTPUT_PRICE_PER_MTOK_PAISE},
};

/// Checks the request's shape; returns the method and the body text to send.
fn checked(
    provider: ProviderName,
    req: &ProxyRequest,
) -> Result<(reqwest::Method, Option<String>), IntegrationsError> {
    let method = req.method.to_ascii_uppercase();
    policy::check(provider, &method, &req.path).map_err(|r| match r {
        Refusal::Path(m) => IntegrationsError::ProxyPathForbidden(m),
        Refusal::Method(m) => IntegrationsError::ProxyMethodForbidden(m),
    })?;
    if let Some(query) = &req.query {
        if query.len() > policy::MAX_QUERY_PARAMS {
            return Err(IntegrationsError::Invalid(
                "query".into(),
                "may have at most 10 parameters".into(),
            ));
        }
        for (name, value) in query {
            if !policy::query_name(name)
                || value.chars().count() > 200
                || value.chars().any(char::is_control)
            {
                return Err(IntegrationsError::Invalid(
                    "query".into(),
                    format!("parameter {name:?} is not allowed"),
                ));
            }
        }
    }
    let body = match (&req.body, method.as_str()) {
        (None | Some(Value::Null), _) => None,
        (Some(_), "GET") => {
            return Err(IntegrationsError::Invalid(
                "body".into(),
                "must be absent for GET".into(),
            ));
        }
        (Some(v), _) => {
            let text = v.to_string();
            if text.len() > policy::MAX_BODY_BYTES {
                return Err(IntegrationsError::ProxyBodyTooLarge {
                    limit: policy::MAX_BODY_BYTES,
                });
            }
            Some(text)
        }
    };
    let method = if method == "GET" {
        reqwest::Method::GET
    } else {
        reqwest::Method::POST
    };
    Ok((method, body))
}

/// The key as the provider wants it.
fn authorize(
    request: reqwest::RequestBuilder,
    provider: ProviderName,
    key: &SecretString,
) -> reqwest::RequestBuilder {
    match provider {
        ProviderName::Openai | ProviderName::Groq => request.bearer_auth(key.expose_secret()),
        ProviderName::Anthropic => request
            .header("x-api-key", key.expose_secret())
            .header("anthropic-version", "2023-06-01"),
        ProviderName::Gemini => request.header("x-goog-api-key", key.expose_secret()),
    }
}

/// Tokens in/out the provider counted in its answer.
fn usage(provider: ProviderName, body: &Value) -> (i64, i64) {
    match provider {
        ProviderName::Openai | ProviderName::Groq => (
            count(body, "/usage/prompt_tokens"),
            count(body, "/usage/completion_tokens"),
        ),
        ProviderName::Anthropic => (
            count(body, "/usage/input_tokens"),
            count(body, "/usage/output_tokens"),
        ),
        ProviderName::Gemini => (
            count(body, "/usageMetadata/promptTokenCount"),
            count(body, "/usageMetadata/candidatesTokenCount"),
        ),
    }
}

/// The model named in the request (body `model` or Gemini's path), for the record.
fn model_of(req: &ProxyRequest) -> String {
    let from_body = req
        .body
        .as_ref()
        .and_then(|b| b.get("model"))
        .and_then(Value::as_str);
    let from_path = req
        .path
        .strip_prefix("/v1beta/models/")
        .and_then(|p| p.split(':').next());
    let model: String = from_body
        .or(from_path)
        .unwrap_or("-")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "._:/-".contains(*c))
        .take(100)
        .collect();
    if model.is_empty() { "-".into() } else { model }
}

/// Forwards one request.
#[tracing::instrument(skip_all, fields(provider = provider.as_str(), path = %req.path))]
pub async fn call(
    state: &Integrations,
    user: &AuthUser,
    provider: ProviderName,
    req: &ProxyRequest,
) -> Result<ProxyResponse, IntegrationsError> {
    let db = &state.ctx.db;
    let tenant = &user.tenant;
    let (method, body) = checked(provider, req)?;
    let key = credentials::key(db, &state.seal, tenant, provider)
        .await?
        .ok_or_else(|| {
            IntegrationsError::NotConfigured(format!("no {} credential", provider.as_str()))
        })?;
    let entry = ProviderEntry {
        provider,
        model: model_of(req),
        prompt_template: String::new(),
        prompt_version: "proxy".into(),
        temperature: 0.0,
        max_output_tokens: 1,
        input_price_per_mtok_paise: AI_PROXY_INPUT_PRICE_PER_MTOK_PAISE
            .int_value(db, tenant.id)
            .await?,
        output_price_per_mtok_paise: AI_PROXY_OUTPUT_PRICE_PER_MTOK_PAISE
            .int_value(db, tenant.id)
            .await?,
    };
    let attempt = |tokens, latency_ms, outcome| Attempt {
        agent: Agent::Proxy,
        entry: &entry,
        tokens,
        latency_ms,
        outcome,
    };
    if let Err(refused) = budget::check(db, tenant).await {
        calls::record(db, tenant, attempt((0, 0), 0, Outcome::RefusedBudget)).await?;
        return Err(refused);
    }
    let url = format!("{}{}", state.llm.base(provider), req.path);
    let mut request = state.llm.http().request(method.clone(), url);
    if let Some(query) = &req.query {
        request = request.query(query);
    }
    if let Some(text) = body {
        request = request
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(text);
    }
    let started = Instant::now();
    let sent = authorize(request, provider, &key).send().await;
    let latency = || i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    let (status, headers, text) = match read(sent).await {
        Ok(answer) => answer,
        Err(why) => {
            calls::record(db, tenant, attempt((0, 0), latency(), Outcome::Timeout)).await?;
            return Err(IntegrationsError::Provider(format!(
                "{} {why}",
                provider.as_str()
            )));
        }
    };
    let clean = policy::scrub(&text, key.expose_secret());
    let body: Value = serde_json::from_str(&clean).unwrap_or(Value::String(clean));
    let outcome = match status {
        200..=299 => Outcome::Ok,
        429 => Outcome::RateLimited,
        500..=599 => Outcome::ServerError,
        _ => Outcome::ClientError,
    };
    let tokens = usage(provider, &body);
    calls::record(db, tenant, attempt(tokens, latency(), outcome)).await?;
    audit::record(
        db,
        audit::Audit::by(
            user,
            "credential_proxy.called",
            "provider",
            provider.as_str(),
        )
        .after(json!({"method": method.as_str(), "path": req.path, "status": status})),
    )
    .await?;
    Ok(ProxyResponse {
        status,
        headers,
        body,
    })
}

/// The status, the passed headers and the body text (at most [`policy::MAX_ANSWER_BYTES`]).
async fn read(
    sent: reqwest::Result<reqwest::Response>,
) -> Result<(u16, BTreeMap<String, String>, String), &'static str> {
    let mut res = sent.map_err(|_| "did not answer in time or could not be reached")?;
    let status = res.status().as_u16();
    let headers = res
        .headers()
        .iter()
        .filter(|(name, _)| policy::PASSED_HEADERS.contains(&name.as_str()))
        .filter_map(|(name, value)| {
            Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
        })
        .collect();
    let mut buf = Vec::new();
    while let Some(chunk) = res.chunk().await.map_err(|_| "broke off its answer")? {
        if buf.len() + chunk.len() > policy::MAX_ANSWER_BYTES {
            return Err("answered more than 8 MiB");
        }
        buf.extend_from_slice(&chunk);
    }
    Ok((status, headers, String::from_utf8_lossy(&buf).into_owned()))
}

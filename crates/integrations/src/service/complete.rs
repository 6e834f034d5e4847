//! Running an agent: budget check, then its providers in order. A timeout, 429 or 5xx is
//! retried on the same provider (`LLM_RETRIES` times, backoff doubling from
//! `LLM_RETRY_BACKOFF_MS`) and then falls to the next provider; another 4xx stops with 502
//! `ai_provider_error`. With a schema, an answer that does not satisfy it is asked once more,
//! then the next provider is tried; when none satisfies it, 502 `ai_invalid_output`. Every
//! attempt is recorded in `ai_calls`.

use std::time::Instant;

use kernel::tenant::Tenant;
use serde_json::Value;

use crate::{
    Integrations, IntegrationsError,
    entities::kinds::{Agent, Outcome, ProviderName},
    llm::{
        Answer, CallError, Prompt,
        agents::{MAX_PROMPT_BYTES, ProviderEntry, render},
        schema::parse_and_validate,
    },
    service::{
        agent_config, budget,
        calls::{self, Attempt},
        credentials,
    },
};

/// What the caller gets.
#[derive(Debug, Clone)]
pub struct Completion {
    /// The provider that answered.
    pub provider: ProviderName,
    /// Its model.
    pub model: String,
    /// The entry's prompt version.
    pub prompt_version: String,
    /// The text.
    pub text: String,
    /// The parsed answer when a schema was given.
    pub output: Option<Value>,
    /// Tokens in.
    pub tokens_in: i64,
    /// Tokens out.
    pub tokens_out: i64,
    /// Cost of the answering attempt, paise.
    pub cost_paise: i64,
}

/// How one provider ended.
enum Ended {
    Answered(Completion),
    FellThrough(String),
    Invalid(String),
    Refused(String),
}

/// Runs `agent` on `input`.
pub async fn run(
    state: &Integrations,
    tenant: &Tenant,
    agent: Agent,
    input: &Value,
    schema: Option<&Value>,
) -> Result<Completion, IntegrationsError> {
    let db = &state.ctx.db;
    let config = agent_config::get(db, tenant, agent).await?;
    if let Err(err) = budget::check(db, tenant).await {
        if let Some(first) = config.providers.first() {
            let attempt = Attempt {
                agent,
                entry: first,
                tokens: (0, 0),
                latency_ms: 0,
                outcome: Outcome::RefusedBudget,
            };
            calls::record(db, tenant, attempt).await?;
        }
        return Err(err);
    }
    let mut failures = Vec::new();
    let mut last_invalid = false;
    let mut any_configured = false;
    for entry in &config.providers {
        let Some(key) = credentials::key(db, &state.seal, tenant, entry.provider).await? else {
            let attempt = Attempt {
                agent,
                entry,
                tokens: (0, 0),
                latency_ms: 0,
                outcome: Outcome::NotConfigured,
            };
            calls::record(db, tenant, attempt).await?;
            failures.push(format!("{}: no credential", entry.provider.as_str()));
            continue;
        };
        any_configured = true;
        match one_provider(state, tenant, agent, entry, &key, input, schema).await? {
            Ended::Answered(done) => return Ok(done),
            Ended::Refused(message) => return Err(IntegrationsError::Provider(message)),
            Ended::FellThrough(message) => {
                last_invalid = false;
                failures.push(message);
            }
            Ended::Invalid(message) => {
                last_invalid = true;
                failures.push(message);
            }
        }
    }
    let summary = failures.join("; ");
    if !any_configured {
        return Err(IntegrationsError::NotConfigured(format!(
            "no provider of agent {} has a credential ({summary})",
            agent.as_str()
        )));
    }
    if last_invalid {
        return Err(IntegrationsError::InvalidOutput(format!(
            "no provider gave an answer satisfying the schema: {summary}"
        )));
    }
    Err(IntegrationsError::Provider(format!(
        "every provider failed: {summary}"
    )))
}

/// Tries one provider: retries on fallback-able failures, one more ask on an invalid answer.
async fn one_provider(
    state: &Integrations,
    tenant: &Tenant,
    agent: Agent,
    entry: &ProviderEntry,
    key: &secrecy::SecretString,
    input: &Value,
    schema: Option<&Value>,
) -> Result<Ended, IntegrationsError> {
    let db = &state.ctx.db;
    let llm_config = state.llm.config();
    let text = render(&entry.prompt_template, input).ok_or_else(|| {
        IntegrationsError::Invalid(
            "input".into(),
            format!("the prompt would be over {MAX_PROMPT_BYTES} bytes"),
        )
    })?;
    let prompt = Prompt {
        model: &entry.model,
        text,
        temperature: entry.temperature,
        max_tokens: entry.max_output_tokens,
        schema,
    };
    let mut retries_left = llm_config.retries;
    let mut backoff = llm_config.retry_backoff;
    let mut invalid_asks = 0;
    loop {
        let started = Instant::now();
        let result = state.llm.complete(entry.provider, key, &prompt).await;
        let latency_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        let record = |tokens: (i64, i64), outcome| Attempt {
            agent,
            entry,
            tokens,
            latency_ms,
            outcome,
        };
        match result {
            Ok(Answer {
                text,
                tokens_in,
                tokens_out,
            }) => {
                let checked = schema.map(|s| parse_and_validate(&text, s)).transpose();
                match checked {
                    Ok(output) => {
                        let cost =
                            calls::record(db, tenant, record((tokens_in, tokens_out), Outcome::Ok))
                                .await?;
                        return Ok(Ended::Answered(Completion {
                            provider: entry.provider,
                            model: entry.model.clone(),
                            prompt_version: entry.prompt_version.clone(),
                            text,
                            output,
                            tokens_in,
                            tokens_out,
                            cost_paise: cost,
                        }));
                    }
                    Err(why) => {
                        calls::record(
                            db,
                            tenant,
                            record((tokens_in, tokens_out), Outcome::InvalidOutput),
                        )
                        .await?;
                        invalid_asks += 1;
                        if invalid_asks >= 2 {
                            return Ok(Ended::Invalid(format!(
                                "{}: {why}",
                                entry.provider.as_str()
                            )));
                        }
                    }
                }
            }
            Err(err) => {
                let outcome = match &err {
                    CallError::Timeout { .. } => Outcome::Timeout,
                    CallError::RateLimited { .. } => Outcome::RateLimited,
                    CallError::Server { .. } => Outcome::ServerError,
                    CallError::Client { .. } => Outcome::ClientError,
                };
                calls::record(db, tenant, record((0, 0), outcome)).await?;
                tracing::warn!(agent = agent.as_str(), provider = entry.provider.as_str(), error = %err, "LLM attempt failed");
                if !err.falls_back() {
                    return Ok(Ended::Refused(err.to_string()));
                }
                if retries_left == 0 {
                    return Ok(Ended::FellThrough(err.to_string()));
                }
                retries_left -= 1;
                tokio::time::sleep(backoff).await;
                backoff *= 2;
            }
        }
    }
}

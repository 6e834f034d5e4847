//! An app whose LLM gateway talks to a stand-in OpenAI (a wiremock server in the test): the
//! platform's OpenAI key sealed through the credentials API and one agent configured through
//! the agent-config API, as an admin of the platform would.

use reqwest::Method;
use serde_json::{Value, json};

use crate::{TestApp, TestOptions, spawn_app_with};

/// What [`spawn_llm_app`] configures: `agent`'s single OpenAI provider on `platform`, with
/// the key `key` and `provider`'s fields (model, prompt_template, prompt_version,
/// temperature, max_output_tokens; prices default to 1000/2000 paise per million tokens).
pub struct LlmAgent<'a> {
    pub platform: &'a str,
    pub agent: &'a str,
    pub key: &'a str,
    pub provider: Value,
}

/// Spawns an app with `OPENAI_API_BASE` at `openai_uri` and no LLM retries, then seals the
/// key and configures the agent (both asserted 200).
pub async fn spawn_llm_app(openai_uri: &str, agent: LlmAgent<'_>) -> TestApp {
    spawn_llm_app_with(TestOptions::default(), openai_uri, agent).await
}

/// [`spawn_llm_app`] with more of the app's environment in `options`.
pub async fn spawn_llm_app_with(
    options: TestOptions,
    openai_uri: &str,
    agent: LlmAgent<'_>,
) -> TestApp {
    let app = spawn_app_with(
        options
            .env("OPENAI_API_BASE", openai_uri)
            .env("LLM_RETRIES", "0"),
    )
    .await;
    let admin = app.token(kernel::auth::Role::Admin, &[], agent.platform);
    let res = app
        .req(Method::PUT, "/api/admin/credentials/openai")
        .platform(agent.platform)
        .bearer(&admin)
        .json(&json!({"value": agent.key}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let mut provider = json!({
        "provider": "openai",
        "input_price_per_mtok_paise": 1000,
        "output_price_per_mtok_paise": 2000
    });
    if let (Some(p), Some(given)) = (provider.as_object_mut(), agent.provider.as_object()) {
        p.extend(given.clone());
    }
    let res = app
        .req(
            Method::PUT,
            &format!("/api/admin/agent-config/{}", agent.agent),
        )
        .platform(agent.platform)
        .bearer(&admin)
        .json(&json!({"providers": [provider]}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    app
}

/// An OpenAI chat completion answering `content`, with its token usage.
pub fn chat_completion(content: &str, prompt_tokens: u32, completion_tokens: u32) -> Value {
    json!({
        "id": "chatcmpl-test", "object": "chat.completion",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens
        }
    })
}

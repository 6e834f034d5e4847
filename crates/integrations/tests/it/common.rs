//! The LLM gateway's test app: wiremock servers standing in for the four providers, their
//! base URLs and a short timeout in the app's environment, and request helpers.
#![allow(dead_code)]

use reqwest::Method;
use serde_json::{Value, json};
use testkit::{TestApp, TestOptions, TestResponse, spawn_app_with};
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{method, path},
};

/// One wiremock server per provider.
pub struct Providers {
    pub openai: MockServer,
    pub anthropic: MockServer,
    pub gemini: MockServer,
    pub groq: MockServer,
}

/// The app under test and its providers.
pub struct AiApp {
    pub app: TestApp,
    pub admin: String,
    pub providers: Providers,
}

/// A recognisable key: it must never come back in any answer.
pub const LEAKY: &str = "sk-LEAK-canary-7f3a9c2e51";

/// Timeout of one provider call in these tests.
pub const TIMEOUT_MS: u64 = 400;

/// Starts the providers and the app pointing at them (one retry, 10 ms backoff).
pub async fn ai_app() -> AiApp {
    let providers = Providers {
        openai: MockServer::start().await,
        anthropic: MockServer::start().await,
        gemini: MockServer::start().await,
        groq: MockServer::start().await,
    };
    let app = spawn_app_with(
        TestOptions::default()
            .env("OPENAI_API_BASE", providers.openai.uri())
            .env("ANTHROPIC_API_BASE", providers.anthropic.uri())
            .env("GEMINI_API_BASE", providers.gemini.uri())
            .env("GROQ_API_BASE", providers.groq.uri())
            .env("LLM_TIMEOUT_MS", TIMEOUT_MS.to_string())
            .env("LLM_RETRIES", "1")
            .env("LLM_RETRY_BACKOFF_MS", "10"),
    )
    .await;
    let admin = app.admin_token();
    AiApp {
        app,
        admin,
        providers,
    }
}

impl AiApp {
    /// Sends `body` with the admin's token.
    pub async fn send(&self, m: Method, uri: &str, body: Option<Value>) -> TestResponse {
        let mut req = self.app.req(m, uri).bearer(&self.admin);
        if let Some(body) = body {
            req = req.json(&body);
        }
        req.send().await
    }

    /// Stores a key for each named provider.
    pub async fn keys(&self, names: &[&str], value: &str) {
        for name in names {
            let res = self
                .send(
                    Method::PUT,
                    &format!("/api/admin/credentials/{name}"),
                    Some(json!({"value": value})),
                )
                .await;
            assert_eq!(res.status, 200, "{}", res.text);
        }
    }

    /// Sets an agent's providers: (provider, model) in order, cheap prices.
    pub async fn agent(&self, agent: &str, entries: &[(&str, &str)]) {
        let providers: Vec<Value> = entries
            .iter()
            .map(|(provider, model)| entry(provider, model))
            .collect();
        let res = self
            .send(
                Method::PUT,
                &format!("/api/admin/agent-config/{agent}"),
                Some(json!({"providers": providers})),
            )
            .await;
        assert_eq!(res.status, 200, "{}", res.text);
    }

    /// Runs an agent.
    pub async fn complete(&self, agent: &str, input: Value, schema: Option<Value>) -> TestResponse {
        let mut body = json!({"agent": agent, "input": input});
        if let Some(schema) = schema {
            body["schema"] = schema;
        }
        self.send(Method::POST, "/api/ai/complete", Some(body))
            .await
    }

    /// The recorded attempts, oldest first: (provider, outcome).
    pub async fn outcomes(&self) -> Vec<(String, String)> {
        let res = self
            .send(Method::GET, "/api/admin/ai-calls?limit=100", None)
            .await;
        assert_eq!(res.status, 200, "{}", res.text);
        let mut items: Vec<(String, String)> = res.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["provider"].as_str().unwrap().to_owned(),
                    c["outcome"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        items.reverse();
        items
    }
}

/// A provider entry: `{{input}}` prompt, prices 1000/2000 paise per million tokens.
pub fn entry(provider: &str, model: &str) -> Value {
    json!({"provider": provider, "model": model, "prompt_template": "Say: {{input}}",
           "prompt_version": "t1", "temperature": 0.1, "max_output_tokens": 100,
           "input_price_per_mtok_paise": 1000, "output_price_per_mtok_paise": 2000})
}

/// OpenAI's (and Groq's) answer.
pub fn openai_answer(text: &str, tokens_in: i64, tokens_out: i64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "id": "chatcmpl-1", "object": "chat.completion",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": tokens_in, "completion_tokens": tokens_out, "total_tokens": tokens_in + tokens_out}
    }))
}

/// Anthropic's answer.
pub fn anthropic_answer(text: &str, tokens_in: i64, tokens_out: i64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "id": "msg_1", "type": "message", "role": "assistant",
        "content": [{"type": "text", "text": text}],
        "usage": {"input_tokens": tokens_in, "output_tokens": tokens_out}
    }))
}

/// Gemini's answer.
pub fn gemini_answer(text: &str, tokens_in: i64, tokens_out: i64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "candidates": [{"content": {"role": "model", "parts": [{"text": text}]}, "finishReason": "STOP"}],
        "usageMetadata": {"promptTokenCount": tokens_in, "candidatesTokenCount": tokens_out}
    }))
}

/// A provider error body in OpenAI's shape.
pub fn error_answer(status: u16, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({"error": {"message": message}}))
}

/// Mounts `answer` for every chat completion on an OpenAI-compatible server.
pub async fn on_chat(server: &MockServer, answer: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path("/chat/completions"))
        .respond_with(answer)
        .mount(server)
        .await;
}

/// Mounts `answer` for Anthropic's messages.
pub async fn on_messages(server: &MockServer, answer: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(answer)
        .mount(server)
        .await;
}

/// How many requests a server received.
pub async fn hits(server: &MockServer) -> usize {
    server.received_requests().await.map_or(0, |r| r.len())
}

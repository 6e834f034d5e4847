//! Anthropic messages (`POST {base}/v1/messages`, `anthropic-version: 2023-06-01`).

use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::Value;

use super::{Answer, CallError, Prompt, count, schema_instruction, send, unreadable};

const PROVIDER: &str = "Anthropic";

/// The request body.
#[derive(Debug, Serialize)]
struct MessagesRequest<'a> {
    model: &'a str,
    max_tokens: u32,
    temperature: f64,
    messages: Vec<Message>,
}

/// One message.
#[derive(Debug, Serialize)]
struct Message {
    role: &'static str,
    content: String,
}

/// Asks Anthropic.
pub(super) async fn complete(
    http: &reqwest::Client,
    base: &str,
    key: &SecretString,
    prompt: &Prompt<'_>,
) -> Result<Answer, CallError> {
    let mut content = prompt.text.clone();
    if let Some(schema) = prompt.schema {
        content.push_str(&schema_instruction(schema));
    }
    let body = MessagesRequest {
        model: prompt.model,
        max_tokens: prompt.max_tokens,
        // Anthropic accepts 0..1
        temperature: prompt.temperature.min(1.0),
        messages: vec![Message {
            role: "user",
            content,
        }],
    };
    let request = http
        .post(format!("{base}/v1/messages"))
        .header("x-api-key", key.expose_secret())
        .header("anthropic-version", "2023-06-01")
        .json(&body);
    let res = send(PROVIDER, request, "/error/message").await?;
    let text: String = res
        .get("content")
        .and_then(Value::as_array)
        .ok_or_else(|| unreadable(PROVIDER, "content"))?
        .iter()
        .filter(|block| block["type"] == "text")
        .filter_map(|block| block["text"].as_str())
        .collect();
    Ok(Answer {
        text,
        tokens_in: count(&res, "/usage/input_tokens"),
        tokens_out: count(&res, "/usage/output_tokens"),
    })
}

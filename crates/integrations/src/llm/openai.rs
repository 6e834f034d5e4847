//! OpenAI chat completions (`POST {base}/chat/completions`), also Groq's OpenAI-compatible
//! endpoint.

use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::{Value, json};

use super::{Answer, CallError, Prompt, count, schema_instruction, send, unreadable};

/// The request body.
#[derive(Debug, Serialize)]
struct ChatRequest<'a> {
    model: &'a str,
    messages: Vec<Message>,
    temperature: f64,
    max_completion_tokens: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_format: Option<Value>,
}

/// One chat message.
#[derive(Debug, Serialize)]
struct Message {
    role: &'static str,
    content: String,
}

/// Asks one OpenAI-compatible provider.
pub(super) async fn complete(
    http: &reqwest::Client,
    provider: &'static str,
    base: &str,
    key: &SecretString,
    prompt: &Prompt<'_>,
) -> Result<Answer, CallError> {
    let mut content = prompt.text.clone();
    if let Some(schema) = prompt.schema {
        content.push_str(&schema_instruction(schema));
    }
    let body = ChatRequest {
        model: prompt.model,
        messages: vec![Message {
            role: "user",
            content,
        }],
        temperature: prompt.temperature,
        max_completion_tokens: prompt.max_tokens,
        response_format: prompt.schema.map(|schema| {
            json!({"type": "json_schema", "json_schema": {"name": "answer", "schema": schema}})
        }),
    };
    let request = http
        .post(format!("{base}/chat/completions"))
        .bearer_auth(key.expose_secret())
        .json(&body);
    let res = send(provider, request, "/error/message").await?;
    let text = res
        .pointer("/choices/0/message/content")
        .and_then(Value::as_str)
        .ok_or_else(|| unreadable(provider, "choices[0].message.content"))?;
    Ok(Answer {
        text: text.to_owned(),
        tokens_in: count(&res, "/usage/prompt_tokens"),
        tokens_out: count(&res, "/usage/completion_tokens"),
    })
}

//! Google Gemini (`POST {base}/v1beta/models/{model}:generateContent`, key in
//! `x-goog-api-key`, never in the query).

use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::Value;

use super::{Answer, CallError, Prompt, count, schema_instruction, send, unreadable};

const PROVIDER: &str = "Gemini";

/// The request body.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct GenerateRequest {
    contents: Vec<Content>,
    generation_config: GenerationConfig,
}

/// One turn.
#[derive(Debug, Serialize)]
struct Content {
    role: &'static str,
    parts: Vec<Part>,
}

/// A text part.
#[derive(Debug, Serialize)]
struct Part {
    text: String,
}

/// Sampling and output settings.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct GenerationConfig {
    temperature: f64,
    max_output_tokens: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_mime_type: Option<&'static str>,
}

/// Asks Gemini.
pub(super) async fn complete(
    http: &reqwest::Client,
    base: &str,
    key: &SecretString,
    prompt: &Prompt<'_>,
) -> Result<Answer, CallError> {
    let mut text = prompt.text.clone();
    if let Some(schema) = prompt.schema {
        text.push_str(&schema_instruction(schema));
    }
    let body = GenerateRequest {
        contents: vec![Content {
            role: "user",
            parts: vec![Part { text }],
        }],
        generation_config: GenerationConfig {
            temperature: prompt.temperature,
            max_output_tokens: prompt.max_tokens,
            response_mime_type: prompt.schema.map(|_| "application/json"),
        },
    };
    let model = prompt.model.trim_start_matches("models/");
    let request = http
        .post(format!("{base}/v1beta/models/{model}:generateContent"))
        .header("x-goog-api-key", key.expose_secret())
        .json(&body);
    let res = send(PROVIDER, request, "/error/message").await?;
    let text: String = res
        .pointer("/candidates/0/content/parts")
        .and_then(Value::as_array)
        .ok_or_else(|| unreadable(PROVIDER, "candidates[0].content.parts"))?
        .iter()
        .filter_map(|p| p["text"].as_str())
        .collect();
    Ok(Answer {
        text,
        tokens_in: count(&res, "/usageMetadata/promptTokenCount"),
        tokens_out: count(&res, "/usageMetadata/candidatesTokenCount"),
    })
}

//! The seed's separate screening service (`MR_HIRE_BACKEND_URL`), used instead of the LLM
//! gateway when set: `POST <url>/api/v1/screen` with the same redacted input the gateway's agent
//! gets and the answer schema; it answers `{criteria, strengths, gaps, summary, model?,
//! prompt_version?}`. The crate computes the score either way.

use std::time::Duration;

use kernel::{AppError, error::codes as kernel_codes};
use serde_json::{Value, json};

use crate::HireError;

/// The provider name stored on screenings made by the service.
pub const PROVIDER: &str = "mr-hire-backend";

/// The configured client.
#[derive(Debug, Clone)]
pub struct MrHireBackend {
    http: reqwest::Client,
    base: String,
}

/// What the service answered.
#[derive(Debug, Clone)]
pub struct Screened {
    /// `{criteria, strengths, gaps, summary}`.
    pub answer: Value,
    /// The model it says it used (else the provider name).
    pub model: String,
    /// Its prompt version (else `backend`).
    pub prompt_version: String,
}

fn upstream(message: String) -> HireError {
    HireError::App(AppError::new(&kernel_codes::BAD_GATEWAY, message))
}

impl MrHireBackend {
    /// The client of `MR_HIRE_BACKEND_URL`, when set.
    pub fn new(base: Option<&str>) -> Option<Self> {
        let base = base?.trim_end_matches('/').to_owned();
        Some(Self {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .ok()?,
            base,
        })
    }

    /// Screens one redacted input.
    pub async fn screen(&self, input: &Value, schema: &Value) -> Result<Screened, HireError> {
        let res = self
            .http
            .post(format!("{}/api/v1/screen", self.base))
            .json(&json!({"input": input, "schema": schema}))
            .send()
            .await
            .map_err(|e| upstream(format!("the screening service is unreachable: {e}")))?;
        if !res.status().is_success() {
            return Err(upstream(format!(
                "the screening service answered {}",
                res.status()
            )));
        }
        let body: Value = res
            .json()
            .await
            .map_err(|e| upstream(format!("the screening service answered no JSON: {e}")))?;
        if !body["criteria"].is_array() {
            return Err(upstream(
                "the screening service answered no criteria".into(),
            ));
        }
        Ok(Screened {
            model: body["model"].as_str().unwrap_or(PROVIDER).to_owned(),
            prompt_version: body["prompt_version"]
                .as_str()
                .unwrap_or("backend")
                .to_owned(),
            answer: json!({
                "criteria": body["criteria"],
                "strengths": body["strengths"],
                "gaps": body["gaps"],
                "summary": body["summary"],
            }),
        })
    }
}

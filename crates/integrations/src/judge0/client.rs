//! The Judge0 client: checks a submission against the deployment's allow-list and limits,
//! sends it with `base64_encoded=true&wait=true` (polling by token if Judge0 answers before
//! the run is done), all within `JUDGE0_TIMEOUT_SECONDS`. A submission creates work at
//! Judge0, so it is never retried here.

use std::time::Duration;

use reqwest::header::HeaderValue;
use secrecy::ExposeSecret;
use serde_json::{Value, json};

use super::{
    Judge0Config, Judge0Error, Language,
    outcome::{self, Execution},
};
use crate::provider::clip;

/// Wait between two looks at a submission Judge0 has not finished.
const POLL_INTERVAL: Duration = Duration::from_millis(300);

/// Resource limits of one run (Judge0's defaults when `None`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RunLimits {
    /// CPU time in seconds (Judge0's `cpu_time_limit`).
    pub cpu_time_limit: Option<f64>,
    /// Memory in KB (Judge0's `memory_limit`).
    pub memory_limit: Option<u32>,
}

/// One program run.
#[derive(Debug, Clone, Copy)]
pub struct Submission<'a> {
    /// Judge0's language id (must be allowed by `JUDGE0_LANGUAGES`).
    pub language_id: u32,
    /// The program.
    pub source_code: &'a str,
    /// Its standard input.
    pub stdin: Option<&'a str>,
    /// The output it must print to be `accepted` (else `wrong_answer`); Judge0 compares
    /// ignoring surrounding whitespace.
    pub expected_output: Option<&'a str>,
    /// Resource limits.
    pub limits: RunLimits,
}

/// The Judge0 client of a deployment with `JUDGE0_URL`.
#[derive(Clone)]
pub struct Judge0 {
    http: reqwest::Client,
    url: String,
    config: Judge0Config,
    token: Option<HeaderValue>,
    rapidapi_host: Option<String>,
}

impl std::fmt::Debug for Judge0 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Judge0")
            .field("url", &self.url)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Judge0 {
    /// The client, or `None` without `JUDGE0_URL` (the routes answer 503). A token that is
    /// not a valid header value also leaves Judge0 off (and says so in the log).
    pub fn from_config(config: &Judge0Config, http: reqwest::Client) -> Option<Self> {
        let url = config.url.clone()?;
        let token = match &config.auth_token {
            None => None,
            Some(secret) => match HeaderValue::from_str(secret.expose_secret()) {
                Ok(mut value) => {
                    value.set_sensitive(true);
                    Some(value)
                }
                Err(_) => {
                    tracing::error!("JUDGE0_AUTH_TOKEN is not a valid header value: Judge0 is off");
                    return None;
                }
            },
        };
        let rapidapi_host = config
            .auth_header
            .eq_ignore_ascii_case("x-rapidapi-key")
            .then(|| {
                reqwest::Url::parse(&url)
                    .ok()?
                    .host_str()
                    .map(str::to_owned)
            })
            .flatten();
        Some(Self {
            http,
            url,
            config: config.clone(),
            token,
            rapidapi_host,
        })
    }

    /// The deployment's settings (limits, allow-list, rate).
    pub fn config(&self) -> &Judge0Config {
        &self.config
    }

    /// The allowed languages.
    pub fn languages(&self) -> Vec<Language> {
        self.config.allowed_languages()
    }

    /// Checks a submission against the allow-list and the size limits (nothing is sent).
    pub fn check(&self, sub: &Submission<'_>) -> Result<(), Judge0Error> {
        if !self.config.languages.contains(&sub.language_id) {
            return Err(Judge0Error::LanguageNotAllowed(sub.language_id));
        }
        let over = |field, text: Option<&str>, limit| match text {
            Some(t) if t.len() > limit => Err(Judge0Error::TooLarge { field, limit }),
            _ => Ok(()),
        };
        over(
            "source_code",
            Some(sub.source_code),
            self.config.max_source_bytes,
        )?;
        over("stdin", sub.stdin, self.config.max_stdin_bytes)?;
        over(
            "expected_output",
            sub.expected_output,
            self.config.max_stdin_bytes,
        )
    }

    /// Runs one submission and waits for its result (at most `JUDGE0_TIMEOUT_SECONDS`).
    #[tracing::instrument(skip_all, fields(language_id = sub.language_id), err(level = "warn", Display))]
    pub async fn submit(&self, sub: &Submission<'_>) -> Result<Execution, Judge0Error> {
        self.check(sub)?;
        let timeout = self.config.timeout;
        tokio::time::timeout(timeout, self.execute(sub))
            .await
            .unwrap_or(Err(Judge0Error::Timeout(timeout.as_secs())))
    }

    /// Sends the submission, then polls by token until it is finished.
    async fn execute(&self, sub: &Submission<'_>) -> Result<Execution, Judge0Error> {
        let mut body = json!({
            "language_id": sub.language_id,
            "source_code": outcome::encode(sub.source_code),
        });
        if let Some(stdin) = sub.stdin {
            body["stdin"] = outcome::encode(stdin).into();
        }
        if let Some(expected) = sub.expected_output {
            body["expected_output"] = outcome::encode(expected).into();
        }
        if let Some(cpu) = sub.limits.cpu_time_limit {
            body["cpu_time_limit"] = json!(cpu);
        }
        if let Some(memory) = sub.limits.memory_limit {
            body["memory_limit"] = json!(memory);
        }
        let request = self
            .http
            .post(format!("{}/submissions", self.url))
            .query(&[("base64_encoded", "true"), ("wait", "true")])
            .json(&body);
        let mut answer = self.send(request).await?;
        loop {
            if answer.pointer("/status/id").is_some()
                && let Some(run) = outcome::read(&answer).map_err(Judge0Error::Rejected)?
            {
                return Ok(run);
            }
            let token = answer
                .get("token")
                .and_then(Value::as_str)
                .filter(|t| {
                    !t.is_empty()
                        && t.len() <= 64
                        && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                })
                .ok_or_else(|| Judge0Error::Rejected("no result and no submission token".into()))?
                .to_owned();
            tokio::time::sleep(POLL_INTERVAL).await;
            let request = self
                .http
                .get(format!("{}/submissions/{token}", self.url))
                .query(&[("base64_encoded", "true")]);
            answer = self.send(request).await?;
        }
    }

    /// Adds the credentials and the timeout, sends, and reads the JSON answer.
    async fn send(&self, request: reqwest::RequestBuilder) -> Result<Value, Judge0Error> {
        let mut request = request.timeout(self.config.timeout);
        if let Some(token) = &self.token {
            request = request.header(self.config.auth_header.as_str(), token.clone());
        }
        if let Some(host) = &self.rapidapi_host {
            request = request.header("X-RapidAPI-Host", host.as_str());
        }
        let res = request.send().await.map_err(|e| self.transport(&e))?;
        let status = res.status();
        let text = res.text().await.map_err(|e| self.transport(&e))?;
        if status.is_success() {
            return serde_json::from_str(&text)
                .map_err(|_| Judge0Error::Rejected("the answer is not JSON".into()));
        }
        let code = status.as_u16();
        let message = self.scrub(&clip(&text));
        Err(match code {
            401 | 403 => Judge0Error::Unavailable(format!(
                "Judge0 refused this deployment's credentials (HTTP {code})"
            )),
            429 | 500..=599 => Judge0Error::Unavailable(format!("HTTP {code}: {message}")),
            _ => Judge0Error::Rejected(format!("HTTP {code}: {message}")),
        })
    }

    /// A transport error: our timeout, or Judge0 unreachable (no URL in the message).
    fn transport(&self, err: &reqwest::Error) -> Judge0Error {
        if err.is_timeout() {
            return Judge0Error::Timeout(self.config.timeout.as_secs());
        }
        let kind = if err.is_connect() {
            "could not connect"
        } else {
            "the request failed"
        };
        Judge0Error::Unavailable(kind.to_owned())
    }

    /// Judge0's text with the token (should Judge0 echo it) taken out.
    fn scrub(&self, text: &str) -> String {
        match &self.config.auth_token {
            Some(token) if !token.expose_secret().is_empty() => {
                text.replace(token.expose_secret(), "[redacted]")
            }
            _ => text.to_owned(),
        }
    }
}

//! Typed jobs: a payload type names its queue and job name; on the wire the payload's fields
//! sit at the top level of the job data next to `platform` (the tenant slug), so a Node
//! producer adds `{platform?, ...payload}` exactly as it did before.

use serde::{Deserialize, Serialize, de::DeserializeOwned};

/// A job payload: which queue it goes to and under which job name.
pub trait JobSpec: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The queue (one of [`crate::queues::QUEUES`]).
    const QUEUE: &'static str;
    /// The BullMQ job name.
    const NAME: &'static str;
    /// Fields of the payload that hold secrets (one-time codes, links with tokens, message
    /// bodies), as `field` or `field.sub`: the queue dashboard shows them redacted and no
    /// log prints them. Every job type says so explicitly, `&[]` when it carries none.
    const SECRET_FIELDS: &'static [&'static str];
}

/// The job data as stored in Redis: the tenant plus the payload's own fields.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Envelope<T> {
    /// Platform slug the job belongs to; absent (e.g. from an old Node producer) means the
    /// default platform.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// The payload.
    #[serde(flatten)]
    pub payload: T,
}

/// What a handler knows about the job it runs.
#[derive(Debug, Clone)]
pub struct JobContext {
    /// BullMQ job id.
    pub job_id: String,
    /// Queue name.
    pub queue: String,
    /// Job name.
    pub name: String,
    /// Platform slug (the default platform when the producer sent none).
    pub platform: String,
    /// This attempt, starting at 1.
    pub attempt: u32,
    /// Attempts allowed.
    pub max_attempts: u32,
}

impl JobContext {
    /// Whether a failure now dead-letters the job.
    pub fn is_last_attempt(&self) -> bool {
        self.attempt >= self.max_attempts
    }

    /// The job's platform, from the process's platform cache; a failure to read it is
    /// retried.
    pub async fn tenant(
        &self,
        app: &kernel::AppContext,
    ) -> Result<std::sync::Arc<kernel::Tenant>, JobError> {
        app.tenants
            .resolve(&app.db, Some(&self.platform))
            .await
            .map_err(|e| JobError::Retry(anyhow::anyhow!("{e}")))
    }
}

/// How a handler failed.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Worth retrying (network, provider 5xx, SMTP 4xx/535…): retried with backoff.
    #[error("{0:#}")]
    Retry(anyhow::Error),
    /// Retrying cannot help (bad payload, unknown template): dead-lettered at once.
    #[error("{0:#}")]
    Permanent(anyhow::Error),
}

impl From<anyhow::Error> for JobError {
    fn from(err: anyhow::Error) -> Self {
        JobError::Retry(err)
    }
}

impl From<sea_orm::DbErr> for JobError {
    fn from(err: sea_orm::DbErr) -> Self {
        JobError::Retry(anyhow::Error::new(err).context("database error"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Email {
        #[serde(rename = "type")]
        kind: String,
        to: String,
    }

    #[test]
    fn envelope_keeps_payload_fields_at_the_top_level() {
        let env = Envelope {
            platform: Some("mr-hire".into()),
            payload: Email {
                kind: "otp".into(),
                to: "a@b.co".into(),
            },
        };
        assert_eq!(
            serde_json::to_value(&env).unwrap(),
            json!({"platform": "mr-hire", "type": "otp", "to": "a@b.co"})
        );
        let from_node: Envelope<Email> =
            serde_json::from_value(json!({"type": "otp", "to": "a@b.co"})).unwrap();
        assert_eq!(from_node.platform, None);
        assert_eq!(from_node.payload.to, "a@b.co");
    }
}

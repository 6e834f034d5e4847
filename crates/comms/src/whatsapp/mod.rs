//! WhatsApp Cloud API: the client, the `send-whatsapp` job on `whatsappQueue` and its
//! handler, the send route and the webhook.

pub mod client;
pub mod routes;
pub mod service;
pub mod webhook;

use jobs::{JobContext, JobError, JobSpec, Registry};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::{phone, provider::ProviderError};

pub use client::WhatsAppClient;

/// A template message: an approved template's name, language and parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
pub struct TemplateMessage {
    /// Approved template name.
    #[validate(length(min = 1, max = 512))]
    #[schema(min_length = 1, max_length = 512)]
    pub name: String,
    /// Language code of the template (`en`, `en_US`, `hi`).
    #[serde(default = "default_language")]
    #[validate(length(min = 2, max = 15))]
    #[schema(min_length = 2, max_length = 15)]
    pub language: String,
    /// The Cloud API's `components` array (header/body/button parameters), passed through.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Object>)]
    pub components: Vec<Value>,
}

fn default_language() -> String {
    "en".to_owned()
}

/// What to send.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Content<'a> {
    /// A text message (inside the 24-hour customer-service window).
    Text(&'a str),
    /// A template message (any time).
    Template(&'a TemplateMessage),
}

/// The WhatsApp job: a text or a template to one number. `message_id` links it to the
/// `whatsapp_messages` row the send route created; producers without one get a row when the
/// message is sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WhatsAppJob {
    /// Our `whatsapp_messages.id`, when the row exists already.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<Uuid>,
    /// Recipient phone number with country code.
    pub to: String,
    /// Text body (exclusive with `template`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Template (exclusive with `text`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<TemplateMessage>,
}

impl JobSpec for WhatsAppJob {
    const QUEUE: &'static str = "whatsappQueue";
    const NAME: &'static str = "send-whatsapp";
    const SECRET_FIELDS: &'static [&'static str] = &["text", "template"];
}

impl WhatsAppJob {
    /// The content, when exactly one of `text` and `template` is given.
    pub fn content(&self) -> Result<Content<'_>, &'static str> {
        match (&self.text, &self.template) {
            (Some(text), None) if !text.trim().is_empty() => Ok(Content::Text(text)),
            (None, Some(template)) => Ok(Content::Template(template)),
            (Some(_), Some(_)) => Err("give either text or template, not both"),
            _ => Err("give text or template"),
        }
    }
}

/// Registers the `send-whatsapp` handler.
pub fn workers(registry: &mut Registry, client: Option<WhatsAppClient>, db: DatabaseConnection) {
    registry.handle(move |ctx: JobContext, job: WhatsAppJob| {
        let client = client.clone();
        let db = db.clone();
        async move {
            let result = deliver(client.as_ref(), &db, &ctx, &job).await;
            if let Err(err) = &result {
                tracing::warn!(
                    job_id = %ctx.job_id,
                    platform = %ctx.platform,
                    attempt = ctx.attempt,
                    error = %err,
                    "WhatsApp message failed"
                );
            }
            result
        }
    });
}

/// Sends one job and records the outcome on its `whatsapp_messages` row. A bad payload or a
/// missing provider is permanent; throttling, outages and rejected tokens retry.
pub async fn deliver(
    client: Option<&WhatsAppClient>,
    db: &DatabaseConnection,
    ctx: &JobContext,
    job: &WhatsAppJob,
) -> Result<(), JobError> {
    let content = job
        .content()
        .map_err(|m| JobError::Permanent(anyhow::anyhow!("invalid WhatsApp job: {m}")))?;
    if !phone::is_valid(&job.to) {
        return Err(JobError::Permanent(anyhow::anyhow!(
            "invalid WhatsApp job: {:?} is not a phone number",
            job.to
        )));
    }
    if let Some(id) = job.message_id {
        // at most once at the provider: a process killed during the call leaves `sending`
        match service::claim(db, id)
            .await
            .map_err(|e| JobError::Retry(anyhow::Error::new(e)))?
        {
            service::Claim::Send => {}
            service::Claim::Settled => return Ok(()),
            service::Claim::Interrupted => {
                tracing::warn!(
                    job_id = %ctx.job_id,
                    message_id = %id,
                    "an earlier attempt stopped during the WhatsApp call; not sending again"
                );
                service::mark_uncertain(db, id)
                    .await
                    .map_err(|e| JobError::Retry(anyhow::Error::new(e)))?;
                return Ok(());
            }
        }
    }
    let outcome = match client {
        Some(client) => client.send(&job.to, content).await,
        None => Err(ProviderError::NotConfigured("WhatsApp")),
    };
    match outcome {
        Ok(wamid) => {
            // The message is out: a bookkeeping failure must not make the job send it again.
            let recorded = match job.message_id {
                Some(id) => service::mark_sent(db, id, &wamid).await,
                None => service::record_sent(db, &ctx.platform, job, content, &wamid).await,
            };
            if let Err(err) = recorded {
                tracing::error!(error = %err, wamid = %wamid, "recording a sent WhatsApp message");
            }
            Ok(())
        }
        Err(err) => {
            let will_retry = err.is_retryable() && !ctx.is_last_attempt();
            if will_retry
                && let Some(id) = job.message_id
                && let Err(db_err) = service::release(db, id).await
            {
                tracing::error!(error = %db_err, "releasing a WhatsApp message for its retry");
            }
            if !will_retry && let Some(id) = job.message_id {
                let error = json!({"message": err.to_string()});
                if let Err(db_err) = service::mark_failed(db, id, error).await {
                    tracing::error!(error = %db_err, "recording a failed WhatsApp message");
                }
            }
            Err(err.into_job_error())
        }
    }
}

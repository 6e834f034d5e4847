//! Transactional email: the `send-email` job on `emailQueue`, its handler, and the helpers
//! other crates call to queue mail. Controllers never send inline: they enqueue (through the
//! outbox when the mail must follow a commit) and return.

pub mod brand;
pub mod mailer;
pub mod templates;

use jobs::{JobContext, JobError, JobSpec, Jobs, Registry};
use kernel::Tenant;
use sea_orm::{ConnectionTrait, DbErr};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

pub use mailer::{Attachment, Mailer, SendError};
pub use templates::{Rendered, Template, TemplateError, render};

/// The email job exactly as the Node monolith's `addEmailJob` enqueues it:
/// `{type, to, data}` (plus `platform`, added by the envelope).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmailJob {
    /// Template name (`otp`, `password_reset`, `meeting_booked`, `meeting_reminder`,
    /// `meeting_cancelled`, `generic`).
    #[serde(rename = "type")]
    pub kind: String,
    /// Recipient address.
    pub to: String,
    /// The template's fields.
    #[serde(default)]
    pub data: Value,
}

impl JobSpec for EmailJob {
    const QUEUE: &'static str = "emailQueue";
    const NAME: &'static str = "send-email";
    const SECRET_FIELDS: &'static [&'static str] = &["data"];
}

impl EmailJob {
    /// A job for template `template`.
    pub fn new(template: Template, to: impl Into<String>, data: Value) -> Self {
        Self {
            kind: template.name().to_owned(),
            to: to.into(),
            data,
        }
    }
}

/// Queues an email now (outside any transaction). Returns the BullMQ job id.
pub async fn queue_email(jobs: &Jobs, platform: &str, job: EmailJob) -> anyhow::Result<String> {
    jobs.enqueue(platform, &job, None).await
}

/// Queues an email inside `txn` through the outbox: it is sent only if `txn` commits (call
/// `Jobs::notify_committed` after the commit to relay it at once).
pub async fn enqueue_in<C: ConnectionTrait>(
    txn: &C,
    tenant: &Tenant,
    job: &EmailJob,
) -> Result<Uuid, DbErr> {
    jobs::outbox::enqueue_in(txn, tenant, job).await
}

/// Like [`enqueue_in`], into an outbox batch written with the rest of the transaction's rows.
pub fn enqueue_into(
    batch: &mut jobs::outbox::Batch,
    tenant: &Tenant,
    job: &EmailJob,
) -> Result<Uuid, DbErr> {
    batch.enqueue(tenant, job)
}

/// Registers the `send-email` handler.
pub fn workers(registry: &mut Registry, mailer: Mailer) {
    registry.handle(move |ctx: JobContext, job: EmailJob| {
        let mailer = mailer.clone();
        async move {
            let result = deliver(&mailer, &ctx.platform, &job).await;
            match &result {
                Ok(()) => tracing::info!(
                    job_id = %ctx.job_id,
                    template = %job.kind,
                    platform = %ctx.platform,
                    "email sent"
                ),
                Err(err) => tracing::warn!(
                    job_id = %ctx.job_id,
                    template = %job.kind,
                    platform = %ctx.platform,
                    attempt = ctx.attempt,
                    max_attempts = ctx.max_attempts,
                    error = %err,
                    "email failed"
                ),
            }
            result
        }
    });
}

/// Renders and sends one job. Unknown template, missing data or a bad address is
/// [`JobError::Permanent`]; SMTP authentication failures, 4xx and connection trouble are
/// [`JobError::Retry`]. Error messages never contain the SMTP password.
pub async fn deliver(mailer: &Mailer, platform: &str, job: &EmailJob) -> Result<(), JobError> {
    let rendered = render(&job.kind, platform, &job.data, mailer.base_url())
        .map_err(|e| JobError::Permanent(anyhow::Error::new(e)))?;
    mailer.send(&job.to, &rendered).await.map_err(|e| match e {
        SendError::Transient(_) => JobError::Retry(anyhow::Error::new(e)),
        SendError::InvalidAddress(_) | SendError::Rejected(_) => {
            JobError::Permanent(anyhow::Error::new(e))
        }
    })
}

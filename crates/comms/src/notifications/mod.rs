//! In-app notifications: other crates call [`notify_in`] inside their transaction; the
//! `send-notification` job on `notificationQueue` (relayed by the outbox once that
//! transaction commits) writes the row idempotently and pushes the Socket.IO event
//! `notification` to the user's sockets on every replica through a [`LivePush`].

pub mod dto;
pub mod routes;
pub mod service;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use jobs::{JobContext, JobError, JobSpec, Registry};
use kernel::Tenant;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// The Socket.IO event carrying a new notification (payload: [`dto::NotificationDto`]).
pub const EVENT: &str = "notification";

/// What a caller sends to one user.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    /// The recipient (a user of the tenant).
    pub user_id: Uuid,
    /// Machine name (`meeting.booked`), 1-100 characters.
    pub kind: String,
    /// Title, 1-200 characters.
    pub title: String,
    /// Text, up to 2000 characters.
    pub body: String,
    /// Optional in-app URL path (`/meetings/…`).
    pub link: Option<String>,
    /// Extra data for the client (an object, or null).
    pub data: Value,
}

/// The `send-notification` job: the notice with the row id chosen when it was enqueued.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationJob {
    /// The row id (UUID v7): a retried job inserts it at most once.
    pub id: Uuid,
    /// Tenant.
    pub platform_id: Uuid,
    /// The recipient.
    pub user_id: Uuid,
    /// Machine name.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Text (personal: a secret field, redacted in the queue views and logs).
    pub body: String,
    /// Optional in-app URL path.
    pub link: Option<String>,
    /// Extra data (may be personal: a secret field).
    #[serde(default)]
    pub data: Value,
    /// When the notice was sent (the row's `created_at`).
    pub created_at: DateTime<Utc>,
}

impl JobSpec for NotificationJob {
    const QUEUE: &'static str = "notificationQueue";
    const NAME: &'static str = "send-notification";
    /// `body` and `data` may hold personal text (names, messages): redacted wherever job
    /// payloads are shown. Title, kind and link are short, fixed-form texts of the sender.
    const SECRET_FIELDS: &'static [&'static str] = &["body", "data"];
}

impl NotificationJob {
    /// The job for `notice` to a user of `tenant`, with a fresh row id.
    pub fn new(tenant: &Tenant, notice: Notice) -> Self {
        Self {
            id: Uuid::now_v7(),
            platform_id: tenant.id,
            user_id: notice.user_id,
            kind: notice.kind,
            title: clip(notice.title, TITLE_MAX),
            body: clip(notice.body, BODY_MAX),
            link: notice.link.filter(|l| l.chars().count() <= LINK_MAX),
            data: if notice.data.is_null() {
                Value::Object(Default::default())
            } else {
                notice.data
            },
            created_at: Utc::now(),
        }
    }
}

/// Longest title the table keeps (characters).
const TITLE_MAX: usize = 200;
/// Longest body the table keeps (characters).
const BODY_MAX: usize = 2000;
/// Longest link the table keeps (characters).
const LINK_MAX: usize = 500;

/// `text` cut to `max` characters (the last one an ellipsis), so a long title or body is
/// shown shortened instead of failing the job at the table's length check.
fn clip(text: String, max: usize) -> String {
    if text.chars().count() <= max {
        return text;
    }
    let mut cut: String = text.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

/// Sends `notice` to one user of `tenant` when `txn` commits (through the outbox; call
/// `Jobs::notify_committed` after the commit to relay it at once). Returns the
/// notification's id.
pub async fn notify_in<C: ConnectionTrait>(
    txn: &C,
    tenant: &Tenant,
    notice: Notice,
) -> Result<Uuid, DbErr> {
    let job = notification(tenant, notice)?;
    jobs::outbox::enqueue_in(txn, tenant, &job).await?;
    Ok(job.id)
}

/// Like [`notify_in`], into an outbox batch written with the rest of the transaction's rows.
pub fn notify_into(
    batch: &mut jobs::outbox::Batch,
    tenant: &Tenant,
    notice: Notice,
) -> Result<Uuid, DbErr> {
    let job = notification(tenant, notice)?;
    batch.enqueue(tenant, &job)?;
    Ok(job.id)
}

fn notification(tenant: &Tenant, notice: Notice) -> Result<NotificationJob, DbErr> {
    // the kind is a constant of the calling code: a wrong one is a bug, refused here rather
    // than retried by the worker until it is dead-lettered
    if !(1..=100).contains(&notice.kind.chars().count()) || notice.title.trim().is_empty() {
        return Err(DbErr::Custom(format!(
            "a notification needs a kind of 1-100 characters and a title (kind {:?})",
            notice.kind
        )));
    }
    Ok(NotificationJob::new(tenant, notice))
}

/// Pushes an event to every socket of one user, on every replica. Implemented by the
/// gateway over the Socket.IO server (comms does not depend on realtime).
pub trait LivePush: Send + Sync + 'static {
    /// Emits `event` with `payload` to the sockets of `user_id` on `platform_id`.
    fn to_user(&self, platform_id: Uuid, user_id: Uuid, event: &str, payload: Value);
}

/// Registers the `send-notification` handler.
pub fn workers(registry: &mut Registry, db: DatabaseConnection, push: Arc<dyn LivePush>) {
    registry.handle(move |ctx: JobContext, job: NotificationJob| {
        let db = db.clone();
        let push = push.clone();
        async move {
            deliver(&db, push.as_ref(), &job).await.inspect_err(|err| {
                tracing::warn!(
                    job_id = %ctx.job_id,
                    notification = %job.id,
                    attempt = ctx.attempt,
                    error = %err,
                    "notification failed"
                );
            })
        }
    });
}

/// Writes the notification (once: a retry finds the row) and pushes it to the user's
/// sockets. The push follows every successful attempt, so a retry after a lost push
/// still reaches the user.
pub async fn deliver(
    db: &DatabaseConnection,
    push: &dyn LivePush,
    job: &NotificationJob,
) -> Result<(), JobError> {
    let row = service::insert(db, job)
        .await
        .map_err(|e| JobError::Retry(anyhow::Error::new(e)))?;
    let payload = serde_json::to_value(dto::NotificationDto::from(row))
        .map_err(|e| JobError::Permanent(anyhow::Error::new(e)))?;
    push.to_user(job.platform_id, job.user_id, EVENT, payload);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_clipped_to_the_table_limits() {
        assert_eq!(clip("short".into(), TITLE_MAX), "short");
        let long = clip("é".repeat(300), TITLE_MAX);
        assert_eq!(long.chars().count(), TITLE_MAX);
        assert!(long.ends_with('…'));
    }
}

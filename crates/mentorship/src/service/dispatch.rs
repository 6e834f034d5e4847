//! Running a delayed [`MeetingNotice`]: the meeting row is locked, the notice checked against
//! the meeting's current state and plan version, and sent at most once per plan (a line in
//! the meeting log records it in the same transaction as the one outbox row that carries the
//! email(s) and the plan's next notice).

use chrono::Utc;
use kernel::AppContext;
use sea_orm::{
    ColumnTrait, EntityTrait, QueryFilter, QuerySelect, TransactionTrait, sea_query::LockType,
};
use serde_json::json;

use super::{
    meeting_log::log,
    notices::{self, MeetingNotice, Notice},
};
use crate::entities::MeetingStatus;
use crate::{
    entities::{meeting_logs, meetings},
    error::MentorshipError,
};

/// What running a notice did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Queued its email(s).
    Sent,
    /// The meeting is gone, cancelled, completed or re-planned: nothing to send.
    Stale,
    /// Sent before (a retried or duplicated job).
    AlreadySent,
}

/// Runs one notice; the caller wakes the outbox relay after a [`Outcome::Sent`].
pub async fn run(ctx: &AppContext, job: &MeetingNotice) -> Result<Outcome, MentorshipError> {
    let txn = ctx.db.begin().await?;
    let Some(m) = meetings::Entity::find_by_id(job.meeting_id)
        .lock(LockType::Update)
        .one(&txn)
        .await?
    else {
        return Ok(Outcome::Stale);
    };
    if m.plan_version != job.plan
        || matches!(
            m.status,
            MeetingStatus::Cancelled | MeetingStatus::Completed
        )
    {
        tracing::info!(meeting = %m.id, notice = job.notice.name(), plan = job.plan, current = m.plan_version, status = %m.status, "stale meeting notice skipped");
        return Ok(Outcome::Stale);
    }
    let kind = format!("notice:{}:{}", job.notice.name(), job.plan);
    let sent = meeting_logs::Entity::find()
        .filter(meeting_logs::Column::MeetingId.eq(m.id))
        .filter(meeting_logs::Column::Kind.eq(kind.as_str()))
        .one(&txn)
        .await?;
    if sent.is_some() {
        return Ok(Outcome::AlreadySent);
    }
    let tenant = notices::tenant_of(&txn, m.platform_id).await?;
    let mut batch = match job.notice {
        Notice::Reminder24h | Notice::Reminder1h => {
            notices::remind(&txn, ctx, &tenant, &m, job.notice).await?
        }
        Notice::CompleteLink => super::links::send(&txn, ctx, &tenant, &m).await?,
    };
    log(&txn, m.id, &kind, None, json!({"plan": job.plan})).await?;
    // the next notice of this plan, committed with this one's email and log line: a retry
    // of this job finds it sent and plans nothing twice
    if let Some((notice, delay)) = Notice::next(&m, Some(job.notice), Utc::now()) {
        let next = MeetingNotice {
            meeting_id: m.id,
            notice,
            plan: job.plan,
        };
        batch.enqueue_delayed(&tenant, &next, delay)?;
    }
    // the emails and the next notice: one outbox row
    batch.insert(&txn).await?;
    txn.commit().await?;
    Ok(Outcome::Sent)
}

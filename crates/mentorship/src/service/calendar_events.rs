//! The `calendar-event` job (`notificationQueue`): puts a booked meeting on its mentor's
//! Google Calendar (the student invited by email, the meeting link as location), moves it on
//! a reschedule and deletes it on a cancellation. Queued through the outbox in the booking's
//! own transaction; best effort: a failure retries with backoff and then dead-letters, never
//! touching the booking. A mentor without a connection is a no-op.
//!
//! Idempotent: the event id is derived from the meeting id
//! ([`google_calendar::event_id_for`]) and stored in `meeting_calendar_events`; a retried
//! create finds the row (or Google's 409) and creates nothing.

use chrono::Utc;
use integrations::google_calendar::{self, Deleted, GoogleCalendar, Inserted, NewEvent};
use jobs::JobError;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, sea_query::OnConflict};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    calendar::{self, Calendar},
    notices,
};
use crate::entities::MeetingStatus;
use crate::entities::{meeting_calendar_events as events, meetings};

/// What to do with a meeting's calendar event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CalendarAction {
    /// Booked: create it.
    Create,
    /// Rescheduled: move it to the meeting's current times (create it if missing).
    Reschedule,
    /// Cancelled: delete it.
    Delete,
}

/// A calendar job of one meeting (`notificationQueue`, `calendar-event`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarEvent {
    /// The meeting's platform (rows are read on it only).
    pub platform_id: Uuid,
    /// The meeting.
    pub meeting_id: Uuid,
    /// What to do.
    pub action: CalendarAction,
}

impl jobs::JobSpec for CalendarEvent {
    const QUEUE: &'static str = "notificationQueue";
    const NAME: &'static str = "calendar-event";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

impl CalendarEvent {
    /// The job of `action` for meeting `m`.
    pub fn of(m: &meetings::Model, action: CalendarAction) -> Self {
        Self {
            platform_id: m.platform_id,
            meeting_id: m.id,
            action,
        }
    }
}

/// What running a job did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The event was created (or Google already had it) and recorded.
    Created,
    /// The event was moved to the new times.
    Moved,
    /// The event was deleted (or was already gone).
    Deleted,
    /// Already done by an earlier run.
    AlreadyDone,
    /// The mentor has no calendar connected.
    NotConnected,
    /// No Google credentials on this deployment.
    NotConfigured,
    /// The meeting is gone, or cancelled before its event was created.
    Stale,
}

fn retry(e: impl Into<anyhow::Error>) -> JobError {
    JobError::Retry(e.into())
}

fn provider(e: integrations::provider::ProviderError) -> JobError {
    e.into_job_error()
}

/// Runs one calendar job of platform `platform` (the job's envelope); a payload naming
/// another platform is refused for good.
pub async fn run(cal: &Calendar, platform: &str, job: &CalendarEvent) -> Result<Outcome, JobError> {
    let db = &cal.ctx().db;
    let tenant = cal
        .ctx()
        .tenants
        .resolve(db, Some(platform))
        .await
        .map_err(|e| JobError::Permanent(anyhow::anyhow!("platform {platform}: {e}")))?;
    if tenant.id != job.platform_id {
        return Err(JobError::Permanent(anyhow::anyhow!(
            "the job of platform {platform} names platform {}",
            job.platform_id
        )));
    }
    let Some(m) = meetings::Entity::find_by_id(job.meeting_id)
        .filter(meetings::Column::PlatformId.eq(job.platform_id))
        .one(db)
        .await?
    else {
        return Ok(Outcome::Stale);
    };
    let stored = events::Entity::find_by_id(m.id)
        .filter(events::Column::PlatformId.eq(m.platform_id))
        .one(db)
        .await?;
    if job.action == CalendarAction::Create && stored.is_some() {
        return Ok(Outcome::AlreadyDone);
    }
    if job.action != CalendarAction::Delete && m.status == MeetingStatus::Cancelled {
        return Ok(Outcome::Stale);
    }
    if job.action == CalendarAction::Delete
        && stored.as_ref().is_some_and(|s| s.deleted_at.is_some())
    {
        return Ok(Outcome::AlreadyDone);
    }
    let Some(connection) = calendar::find(db, m.platform_id, m.mentor_user_id)
        .await
        .map_err(retry)?
    else {
        return Ok(Outcome::NotConnected);
    };
    let Some(google) = cal.google.as_ref() else {
        tracing::warn!(meeting = %m.id, "a connected mentor but no Google credentials: calendar job skipped");
        return Ok(Outcome::NotConfigured);
    };
    let refresh = cal
        .seal
        .open(
            &connection.refresh_token_sealed,
            &connection.user_id.to_string(),
        )
        .map_err(|e| JobError::Permanent(e.into()))?;
    let access = google.access_token(&refresh).await.map_err(provider)?;
    let event_id = stored.as_ref().map_or_else(
        || google_calendar::event_id_for(m.id),
        |s| s.google_event_id.clone(),
    );
    match job.action {
        CalendarAction::Delete => {
            let done = google
                .delete_event(&access, google_calendar::PRIMARY, &event_id)
                .await
                .map_err(provider)?;
            mark_deleted(cal, m.id).await?;
            tracing::info!(meeting = %m.id, gone = done == Deleted::Gone, "calendar event deleted");
            Ok(Outcome::Deleted)
        }
        CalendarAction::Reschedule if stored.is_some() => {
            google
                .move_event(
                    &access,
                    google_calendar::PRIMARY,
                    &event_id,
                    m.starts_at,
                    m.ends_at,
                )
                .await
                .map_err(provider)?;
            Ok(Outcome::Moved)
        }
        CalendarAction::Create | CalendarAction::Reschedule => {
            create(cal, google, &access, &m).await
        }
    }
}

async fn create(
    cal: &Calendar,
    google: &GoogleCalendar,
    access: &SecretString,
    m: &meetings::Model,
) -> Result<Outcome, JobError> {
    let db = &cal.ctx().db;
    let (mentor, student) = notices::people(db, m).await.map_err(retry)?;
    let link = format!("{}/meetings/{}", cal.ctx().config.public_base_url, m.id);
    let event = NewEvent {
        id: google_calendar::event_id_for(m.id),
        summary: format!(
            "Mentorship session: {} with {}",
            mentor.full_name, student.full_name
        ),
        description: format!("Join the session: {link}"),
        location: link,
        starts_at: m.starts_at,
        ends_at: m.ends_at,
        attendees: vec![student.email.clone()],
    };
    let google_id = match google
        .insert_event(access, google_calendar::PRIMARY, &event)
        .await
        .map_err(provider)?
    {
        Inserted::Created(id) => id,
        Inserted::AlreadyExists => event.id.clone(),
    };
    events::Entity::insert(events::ActiveModel {
        meeting_id: Set(m.id),
        platform_id: Set(m.platform_id),
        mentor_user_id: Set(m.mentor_user_id),
        google_event_id: Set(google_id.clone()),
        created_at: Set(Utc::now()),
        deleted_at: Set(None),
    })
    .on_conflict(
        OnConflict::column(events::Column::MeetingId)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    // a cancellation that committed while Google was creating the event: its delete job may
    // have found nothing to delete yet, so delete it here
    let now = meetings::Entity::find_by_id(m.id).one(db).await?;
    if now.is_some_and(|n| n.status == MeetingStatus::Cancelled) {
        google
            .delete_event(access, google_calendar::PRIMARY, &google_id)
            .await
            .map_err(provider)?;
        mark_deleted(cal, m.id).await?;
        return Ok(Outcome::Stale);
    }
    tracing::info!(meeting = %m.id, "calendar event created");
    Ok(Outcome::Created)
}

async fn mark_deleted(cal: &Calendar, meeting_id: Uuid) -> Result<(), JobError> {
    events::Entity::update_many()
        .col_expr(
            events::Column::DeletedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(events::Column::MeetingId.eq(meeting_id))
        .filter(events::Column::DeletedAt.is_null())
        .exec(&cal.ctx().db)
        .await?;
    Ok(())
}

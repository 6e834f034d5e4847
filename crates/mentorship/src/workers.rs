//! The crate's jobs and schedules: delayed meeting notices (`emailQueue`); the expired-slot
//! cleanup and the settlement of ended meetings (`cleanupQueue`, every 15 minutes); slot
//! generation from weekly rules (`databaseQueue`, daily); Google Calendar events of bookings
//! (`notificationQueue`, `calendar-event`).

use jobs::{JobContext, JobError, JobSpec, Registry, ScheduleSpec};

use crate::{
    Mentorship,
    service::{
        calendar_events::{self, CalendarEvent},
        dispatch::{self, Outcome},
        meetings,
        notices::MeetingNotice,
        rules, settle,
    },
};

/// Generates open slots from every weekly rule `SLOT_GENERATION_DAYS` ahead
/// (`databaseQueue`, daily at 00:30 IST).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct GenerateSlots {}

impl JobSpec for GenerateSlots {
    const QUEUE: &'static str = "databaseQueue";
    const NAME: &'static str = "generate-slots";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// Settles meetings whose join window closed: completed, or a no-show (`cleanupQueue`,
/// every 15 minutes; see [`settle`]).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct SettleEndedMeetings {}

impl JobSpec for SettleEndedMeetings {
    const QUEUE: &'static str = "cleanupQueue";
    const NAME: &'static str = "settle-ended-meetings";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// Expires open slots whose start has passed (`cleanupQueue`, every 15 minutes).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ExpireSlots {}

impl JobSpec for ExpireSlots {
    const QUEUE: &'static str = "cleanupQueue";
    const NAME: &'static str = "expire-slots";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

fn retry(e: crate::MentorshipError) -> JobError {
    JobError::Retry(anyhow::Error::new(e))
}

/// Registers the crate's jobs and schedules.
pub fn workers(registry: &mut Registry, mentorship: &Mentorship) {
    let jobs = mentorship.jobs();
    let db = jobs.context().db.clone();
    registry
        .handle(move |_ctx: JobContext, _job: ExpireSlots| {
            let db = db.clone();
            async move {
                let expired = meetings::expire_slots(&db).await.map_err(retry)?;
                tracing::info!(expired, "expired open slots");
                Ok(())
            }
        })
        .schedule(ScheduleSpec::cron(
            "mentorship:expire-slots",
            ExpireSlots::QUEUE,
            ExpireSlots::NAME,
            "0 */15 * * * *",
            jobs::schedule::IST,
        ));
    let state = mentorship.clone();
    registry
        .handle(move |_ctx: JobContext, _job: SettleEndedMeetings| {
            let state = state.clone();
            async move {
                let settled = settle::settle_ended(state.ctx(), state.config())
                    .await
                    .map_err(retry)?;
                tracing::info!(?settled, "ended meetings settled");
                Ok(())
            }
        })
        .schedule(ScheduleSpec::cron(
            "mentorship:settle-ended-meetings",
            SettleEndedMeetings::QUEUE,
            SettleEndedMeetings::NAME,
            "0 5,20,35,50 * * * *",
            jobs::schedule::IST,
        ));
    let app = jobs.context().clone();
    registry
        .handle(move |_ctx: JobContext, _job: GenerateSlots| {
            let app = app.clone();
            async move {
                let created = rules::generate_all(&app.db).await.map_err(retry)?;
                if created > 0 {
                    crate::service::catalogue::changed_everywhere(&app).await;
                }
                tracing::info!(created, "slots generated from weekly rules");
                Ok(())
            }
        })
        .schedule(ScheduleSpec::cron(
            "mentorship:generate-slots",
            GenerateSlots::QUEUE,
            GenerateSlots::NAME,
            "0 30 0 * * *",
            jobs::schedule::IST,
        ));
    let handle = jobs.clone();
    registry.handle(move |ctx: JobContext, job: MeetingNotice| {
        let jobs = handle.clone();
        async move {
            let outcome = dispatch::run(jobs.context(), &job).await.map_err(retry)?;
            tracing::info!(job_id = %ctx.job_id, meeting = %job.meeting_id, notice = job.notice.name(), ?outcome, "meeting notice");
            if outcome == Outcome::Sent {
                jobs.notify_committed();
            }
            Ok(())
        }
    });
    let cal = mentorship.calendar().clone();
    registry.handle(move |ctx: JobContext, job: CalendarEvent| {
        let cal = cal.clone();
        async move {
            let outcome = calendar_events::run(&cal, &ctx.platform, &job).await?;
            tracing::info!(job_id = %ctx.job_id, meeting = %job.meeting_id, action = ?job.action, ?outcome, "calendar event");
            Ok(())
        }
    });
}

//! What the dashboard shows and does, over BullMQ's own scripts: the JSON API and the page
//! both call these functions, so they can never disagree.
//!
//! Who may do what is decided here too, by the [`Viewer`]: a SUPERADMIN sees every job and
//! may act on whole queues; a holder of the `ops` capability sees and acts on the jobs of
//! their own platform only. Job data is always shown through the job type's declaration of
//! its secret fields ([`crate::redact`]). Every action is written to the audit log before it
//! runs (no audit entry, no action).

use bullmq::{Job, types::RetryOptions};
use kernel::{
    AppError,
    audit::{self, Audit},
    auth::{AuthUser, Ops, Policy, Require, Role},
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::{
    Jobs, dlq,
    queues::{self, QUEUES, QueueSpec},
};

/// Job states a list can be asked for (BullMQ's names).
pub const STATES: &[&str] = &[
    "waiting",
    "active",
    "delayed",
    "prioritized",
    "completed",
    "failed",
    "waiting-children",
];

/// States `clean` may empty (active jobs belong to a worker and are never cleaned).
pub const CLEANABLE: &[&str] = &["completed", "failed", "delayed", "waiting", "prioritized"];

/// A job state as the document shows it (the same names as [`STATES`]; documentation only).
#[derive(Debug, Clone, Copy, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum JobState {
    /// `waiting`.
    Waiting,
    /// `active`.
    Active,
    /// `delayed`.
    Delayed,
    /// `prioritized`.
    Prioritized,
    /// `completed`.
    Completed,
    /// `failed`.
    Failed,
    /// `waiting-children`.
    WaitingChildren,
}

/// The OpenAPI schema of a state `clean` accepts (an enum of [`CLEANABLE`]).
pub fn cleanable_schema() -> utoipa::openapi::Object {
    enum_schema(CLEANABLE.iter().copied())
}

/// The OpenAPI schema of a queue page's `state`: a job state or `dead-letters`.
pub fn page_states_schema() -> utoipa::openapi::Object {
    enum_schema(STATES.iter().copied().chain(["dead-letters"]))
}

fn enum_schema<'a>(values: impl Iterator<Item = &'a str>) -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::String)
        .enum_values(Some(values))
        .build()
}

/// Jobs per page, at most.
pub const MAX_PAGE: u32 = 200;

/// Counts of one queue by state.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct Counts {
    /// Waiting (including jobs parked while the queue is paused).
    pub waiting: u64,
    /// Being processed.
    pub active: u64,
    /// Waiting for their delay (includes retries in backoff).
    pub delayed: u64,
    /// Waiting with a priority.
    pub prioritized: u64,
    /// Finished (the last ones kept).
    pub completed: u64,
    /// Failed for good (the last ones kept).
    pub failed: u64,
    /// Waiting for child jobs.
    pub waiting_children: u64,
    /// Kept in the queue's dead-letter queue, replayable.
    pub dead_letters: u64,
}

/// One queue on the dashboard.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct QueueSummary {
    /// BullMQ queue name.
    pub name: String,
    /// What the queue is for.
    pub purpose: String,
    /// Whether the queue is paused (workers take nothing).
    pub paused: bool,
    /// Worker concurrency per process.
    pub concurrency: usize,
    /// Attempts before dead-lettering.
    pub attempts: u32,
    /// Job counts by state.
    pub counts: Counts,
}

/// One job as the dashboard shows it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct JobView {
    /// BullMQ job id.
    pub id: String,
    /// Job name.
    pub name: String,
    /// State the job is in.
    pub state: String,
    /// Tenant slug carried by the job (absent for old Node producers).
    pub platform: Option<String>,
    /// Job data (any JSON: Node producers may enqueue more than objects).
    pub data: serde_json::Value,
    /// Attempts made so far.
    pub attempts_made: u32,
    /// Attempts allowed.
    pub max_attempts: u32,
    /// Why the last attempt failed.
    pub failed_reason: Option<String>,
    /// What the handler returned.
    pub return_value: Option<String>,
    /// When it was added (ms since epoch).
    pub added_at: u64,
    /// When processing last started (ms since epoch).
    pub processed_at: Option<u64>,
    /// When it finished (ms since epoch).
    pub finished_at: Option<u64>,
}

/// A page of jobs.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct JobPage {
    /// Queue name.
    pub queue: String,
    /// The state listed.
    pub state: String,
    /// Offset of the first job.
    pub start: u32,
    /// Jobs on this page, newest first.
    pub jobs: Vec<JobView>,
    /// Jobs in this state in all.
    pub total: u64,
}

/// The user looking at the dashboard, checked once: [`Ops`] or 403.
#[derive(Debug, Clone, Copy)]
pub struct Viewer<'a> {
    user: &'a AuthUser,
}

impl<'a> Viewer<'a> {
    /// The viewer, when `user` passes [`Ops`] (SUPERADMIN or the `ops` capability).
    pub fn new(user: &'a AuthUser) -> Result<Self, AppError> {
        if Ops::allows(user) {
            Ok(Self { user })
        } else {
            Err(AppError::forbidden(format!(
                "the queue dashboard requires {}",
                Ops::NAME
            )))
        }
    }

    /// The viewer behind an extractor that already checked [`Ops`].
    pub fn of(user: &'a Require<Ops>) -> Self {
        Self { user }
    }

    /// The signed-in user.
    pub fn user(&self) -> &AuthUser {
        self.user
    }

    /// Whether the viewer sees every platform's jobs (SUPERADMIN).
    pub fn all_platforms(&self) -> bool {
        self.user.role == Role::Superadmin
    }

    /// Whether the viewer sees a job with this data (a job without `platform` belongs to the
    /// default platform).
    fn sees(&self, jobs: &Jobs, data: &serde_json::Value) -> bool {
        self.all_platforms()
            || platform_of(data).unwrap_or(jobs.default_platform()) == self.user.tenant.slug
    }

    /// Queue-wide actions touch every platform's jobs: SUPERADMIN only.
    fn require_all_platforms(&self, what: &str) -> Result<(), AppError> {
        if self.all_platforms() {
            Ok(())
        } else {
            Err(AppError::forbidden(format!(
                "{what} acts on every platform's jobs and requires a superadmin"
            )))
        }
    }

    /// Writes the audit entry of an action (before it runs).
    async fn audit(
        &self,
        jobs: &Jobs,
        action: &'static str,
        queue: &str,
        details: serde_json::Value,
    ) -> Result<(), AppError> {
        let entry = Audit::by(self.user, action, "queue", queue).after(details);
        audit::record(&jobs.context().db, entry).await?;
        Ok(())
    }
}

fn platform_of(data: &serde_json::Value) -> Option<&str> {
    data.get("platform").and_then(|p| p.as_str())
}

/// The queue named in a path, or 404 `unknown_queue`.
pub fn queue_spec(name: &str) -> Result<&'static QueueSpec, AppError> {
    queues::spec(name).ok_or_else(|| {
        AppError::new(
            &crate::codes::UNKNOWN_QUEUE,
            format!("there is no queue named {name:?}"),
        )
    })
}

fn state_name(state: &str) -> Result<&'static str, AppError> {
    STATES.iter().copied().find(|s| *s == state).ok_or_else(|| {
        AppError::invalid_field("state", format!("must be one of {}", STATES.join(", ")))
    })
}

fn bull(err: impl std::fmt::Display) -> AppError {
    AppError::Unexpected(anyhow::anyhow!("BullMQ: {err}"))
}

/// Summary of one queue.
pub async fn summary(jobs: &Jobs, spec: &QueueSpec) -> Result<QueueSummary, AppError> {
    let queue = jobs.queue(spec.name).await?;
    let c = queue.get_job_counts().await.map_err(bull)?;
    let paused = queue.is_paused().await.map_err(bull)?;
    let dead_letters = dlq::count(jobs, spec.name).await?;
    Ok(QueueSummary {
        name: spec.name.to_owned(),
        purpose: spec.purpose.to_owned(),
        paused,
        concurrency: spec.concurrency,
        attempts: spec.attempts,
        counts: Counts {
            waiting: c.waiting + c.paused,
            active: c.active,
            delayed: c.delayed,
            prioritized: c.prioritized,
            completed: c.completed,
            failed: c.failed,
            waiting_children: c.waiting_children,
            dead_letters,
        },
    })
}

/// Every queue, in the seed's order.
pub async fn summaries(jobs: &Jobs) -> Result<Vec<QueueSummary>, AppError> {
    let all = futures::future::join_all(QUEUES.iter().map(|spec| summary(jobs, spec))).await;
    all.into_iter().collect()
}

fn view(jobs: &Jobs, queue: &str, job: &Job, state: &str) -> JobView {
    let raw = job.data();
    let platform = platform_of(raw).map(str::to_owned);
    let data = jobs.secrets().redact(queue, job.name(), raw);
    let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    JobView {
        id: job.id().to_owned(),
        name: job.name().to_owned(),
        state: state.to_owned(),
        platform,
        data,
        attempts_made: job.attempts_made(),
        max_attempts: job.opts().attempts.unwrap_or(1),
        failed_reason: non_empty(job.failed_reason()),
        return_value: non_empty(job.returnvalue()),
        added_at: job.timestamp(),
        processed_at: job.processed_on(),
        finished_at: job.finished_on(),
    }
}

/// A page of a queue's jobs in one state, newest first.
pub async fn list(
    jobs: &Jobs,
    viewer: &Viewer<'_>,
    spec: &QueueSpec,
    state: &str,
    start: u32,
    limit: u32,
) -> Result<JobPage, AppError> {
    let state = state_name(state)?;
    let limit = limit.clamp(1, MAX_PAGE);
    let queue = jobs.queue(spec.name).await?;
    let found = queue
        .get_jobs(
            &[state],
            i64::from(start),
            i64::from(start) + i64::from(limit) - 1,
            false,
        )
        .await
        .map_err(bull)?;
    let total = queue.get_job_count_by_types(&[state]).await.map_err(bull)?;
    Ok(JobPage {
        queue: spec.name.to_owned(),
        state: state.to_owned(),
        start,
        jobs: found
            .iter()
            .filter(|j| viewer.sees(jobs, j.data()))
            .map(|j| view(jobs, spec.name, j, state))
            .collect(),
        total,
    })
}

async fn find(
    jobs: &Jobs,
    viewer: &Viewer<'_>,
    spec: &QueueSpec,
    id: &str,
) -> Result<(Job, String), AppError> {
    let queue = jobs.queue(spec.name).await?;
    // another platform's job is answered like a missing one
    let job = queue
        .get_job(id)
        .await
        .map_err(bull)?
        .filter(|job| viewer.sees(jobs, job.data()))
        .ok_or_else(|| {
            AppError::new(
                &crate::codes::JOB_NOT_FOUND,
                format!("{} has no job {id:?}", spec.name),
            )
        })?;
    let state = queue.get_job_state(id).await.map_err(bull)?;
    let state = match state.as_str() {
        "wait" => "waiting",
        other => other,
    };
    Ok((job, state.to_owned()))
}

/// One job with its state.
pub async fn get(
    jobs: &Jobs,
    viewer: &Viewer<'_>,
    spec: &QueueSpec,
    id: &str,
) -> Result<JobView, AppError> {
    let (job, state) = find(jobs, viewer, spec, id).await?;
    Ok(view(jobs, spec.name, &job, &state))
}

/// Moves a failed job back to waiting with fresh attempts; 409 `job_not_failed` otherwise.
pub async fn retry(
    jobs: &Jobs,
    viewer: &Viewer<'_>,
    spec: &QueueSpec,
    id: &str,
) -> Result<JobView, AppError> {
    let (mut job, state) = find(jobs, viewer, spec, id).await?;
    if state != "failed" {
        return Err(AppError::new(
            &crate::codes::JOB_NOT_FAILED,
            format!("job {id:?} is {state}; only failed jobs can be retried"),
        ));
    }
    viewer
        .audit(jobs, "queue.job_retried", spec.name, json!({"job_id": id}))
        .await?;
    let opts = RetryOptions {
        reset_attempts_made: true,
        reset_attempts_started: true,
    };
    job.retry("failed", Some(opts)).await.map_err(bull)?;
    tracing::info!(
        queue = spec.name,
        job_id = id,
        "failed job retried from the dashboard"
    );
    get(jobs, viewer, spec, id).await
}

/// Moves every failed job of a queue back to waiting; returns how many there were.
pub async fn retry_all(
    jobs: &Jobs,
    viewer: &Viewer<'_>,
    spec: &QueueSpec,
) -> Result<u64, AppError> {
    viewer.require_all_platforms("retrying a whole queue")?;
    viewer
        .audit(jobs, "queue.failed_retried", spec.name, json!({}))
        .await?;
    let queue = jobs.queue(spec.name).await?;
    let failed = queue.get_failed_count().await.map_err(bull)?;
    queue
        .retry_jobs("failed", 1_000, None)
        .await
        .map_err(bull)?;
    tracing::info!(
        queue = spec.name,
        failed,
        "all failed jobs retried from the dashboard"
    );
    Ok(failed)
}

/// Removes a job that is not being processed.
pub async fn remove(
    jobs: &Jobs,
    viewer: &Viewer<'_>,
    spec: &QueueSpec,
    id: &str,
) -> Result<(), AppError> {
    let (job, state) = find(jobs, viewer, spec, id).await?;
    if state == "active" {
        return Err(AppError::new(
            &crate::codes::JOB_ACTIVE,
            format!("job {id:?} is being processed"),
        ));
    }
    // BullMQ refuses to remove the next run of a job scheduler (it would end the schedule)
    if let Some(scheduler) = job.repeat_job_key() {
        return Err(AppError::new(
            &crate::codes::JOB_SCHEDULED,
            format!("job {id:?} is the next run of schedule {scheduler:?}"),
        ));
    }
    viewer
        .audit(
            jobs,
            "queue.job_removed",
            spec.name,
            json!({"job_id": id, "state": state}),
        )
        .await?;
    let queue = jobs.queue(spec.name).await?;
    queue.remove(id).await.map_err(bull)?;
    Ok(())
}

/// Removes jobs of one state older than `grace_ms`; returns how many.
pub async fn clean(
    jobs: &Jobs,
    viewer: &Viewer<'_>,
    spec: &QueueSpec,
    state: &str,
    grace_ms: u64,
    limit: u32,
) -> Result<usize, AppError> {
    if !CLEANABLE.contains(&state) {
        return Err(AppError::invalid_field(
            "state",
            format!("must be one of {}", CLEANABLE.join(", ")),
        ));
    }
    viewer.require_all_platforms("cleaning a queue")?;
    viewer
        .audit(
            jobs,
            "queue.cleaned",
            spec.name,
            json!({"state": state, "grace_ms": grace_ms, "limit": limit}),
        )
        .await?;
    let queue = jobs.queue(spec.name).await?;
    let removed = queue.clean(grace_ms, limit, state).await.map_err(bull)?;
    tracing::info!(
        queue = spec.name,
        state,
        removed = removed.len(),
        "queue cleaned"
    );
    Ok(removed.len())
}

/// Pauses (`true`) or resumes (`false`) a queue for every worker of every replica.
pub async fn set_paused(
    jobs: &Jobs,
    viewer: &Viewer<'_>,
    spec: &QueueSpec,
    paused: bool,
) -> Result<QueueSummary, AppError> {
    viewer.require_all_platforms("pausing or resuming a queue")?;
    let action = if paused {
        "queue.paused"
    } else {
        "queue.resumed"
    };
    viewer.audit(jobs, action, spec.name, json!({})).await?;
    let queue = jobs.queue(spec.name).await?;
    if paused {
        queue.pause().await.map_err(bull)?;
    } else {
        queue.resume().await.map_err(bull)?;
    }
    tracing::info!(queue = spec.name, paused, "queue pause state changed");
    summary(jobs, spec).await
}

/// Dead letters of a queue, newest first.
pub async fn dead_letters(
    jobs: &Jobs,
    viewer: &Viewer<'_>,
    spec: &QueueSpec,
    start: u32,
    limit: u32,
) -> Result<Vec<dlq::DeadLetter>, AppError> {
    let limit = limit.clamp(1, MAX_PAGE);
    let letters = dlq::list(
        jobs,
        spec.name,
        i64::from(start),
        i64::from(start) + i64::from(limit) - 1,
    )
    .await?;
    Ok(letters
        .into_iter()
        .filter(|l| viewer.sees(jobs, &l.data))
        .map(|mut l| {
            l.data = jobs.secrets().redact(&l.queue, &l.name, &l.data);
            l
        })
        .collect())
}

/// Replays one dead letter; 404 `dead_letter_not_found` when there is none.
pub async fn replay(
    jobs: &Jobs,
    viewer: &Viewer<'_>,
    spec: &QueueSpec,
    id: &str,
) -> Result<String, AppError> {
    let not_found = || {
        AppError::new(
            &crate::codes::DEAD_LETTER_NOT_FOUND,
            format!("{} has no dead letter for job {id:?}", spec.name),
        )
    };
    let letter = dlq::find(jobs, spec.name, id)
        .await?
        .ok_or_else(not_found)?;
    if !viewer.sees(jobs, &letter.data) {
        return Err(not_found());
    }
    viewer
        .audit(
            jobs,
            "queue.dead_letter_replayed",
            spec.name,
            json!({"job_id": id}),
        )
        .await?;
    dlq::replay(jobs, spec.name, id).await?.ok_or_else(|| {
        AppError::new(
            &crate::codes::DEAD_LETTER_NOT_FOUND,
            format!("{} has no dead letter for job {id:?}", spec.name),
        )
    })
}

/// Replays every dead letter of a queue.
pub async fn replay_all(
    jobs: &Jobs,
    viewer: &Viewer<'_>,
    spec: &QueueSpec,
) -> Result<usize, AppError> {
    viewer.require_all_platforms("replaying every dead letter of a queue")?;
    viewer
        .audit(jobs, "queue.dead_letters_replayed", spec.name, json!({}))
        .await?;
    Ok(dlq::replay_all(jobs, spec.name).await?)
}

#[cfg(test)]
mod state_schema_tests {
    use super::*;

    #[test]
    fn the_documented_states_are_the_states() {
        let all = [
            JobState::Waiting,
            JobState::Active,
            JobState::Delayed,
            JobState::Prioritized,
            JobState::Completed,
            JobState::Failed,
            JobState::WaitingChildren,
        ];
        let names: Vec<String> = all
            .iter()
            .map(|s| {
                serde_json::to_value(s)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(names, STATES);
    }
}

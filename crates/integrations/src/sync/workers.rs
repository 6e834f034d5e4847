//! The sync's jobs and their handlers. Payloads carry a config id only (the tenant travels
//! in the envelope's `platform`); the handler loads the config at run time, so a disabled or
//! deleted config's leftover tick does nothing.
//!
//! | queue | job | payload |
//! |---|---|---|
//! | `mrlearnSyncQueue` | `mrlearn-sync` | `{config_id}` |
//! | `mrtestSyncQueue` | `mrtest-sync` | `{config_id}` |
//! | `mrlearnReminderQueue` | `mrlearn-reminder` | `{config_id}` |
//! | `mrlearnNewStudentSyncQueue` | `mrlearn-new-student-sync` | `{}` |

use std::sync::Arc;

use jobs::{JobContext, JobError, Registry};
use kernel::Tenant;
use sea_orm::{DbBackend, FromQueryResult, Statement};
use uuid::Uuid;

use super::{
    ExternalSync, SyncKind,
    payloads::{MrlearnNewStudentSync, MrlearnReminder, MrlearnSync, MrtestSync},
    schedules::{ConfigSchedules, new_student_toggle},
};
use crate::{
    entities::sync_runs::RunTrigger,
    service::sync::{configs, engine, reminders},
};

async fn tenant(sync: &ExternalSync, slug: &str) -> Result<Arc<Tenant>, JobError> {
    sync.ctx
        .tenants
        .resolve(&sync.ctx.db, Some(slug))
        .await
        .map_err(|e| JobError::Permanent(anyhow::anyhow!("platform {slug:?}: {e}")))
}

fn job_error(f: engine::Failure) -> JobError {
    if f.is_retryable() {
        JobError::Retry(anyhow::Error::new(f))
    } else {
        JobError::Permanent(anyhow::Error::new(f))
    }
}

/// One config's run (scheduled or manual).
async fn sync_one(
    sync: &ExternalSync,
    kind: SyncKind,
    ctx: &JobContext,
    config_id: Uuid,
) -> Result<(), JobError> {
    let tenant = tenant(sync, &ctx.platform).await?;
    let Some(row) = configs::find(&sync.ctx.db, kind, tenant.id, config_id, false).await? else {
        tracing::info!(%config_id, "sync config is gone; tick skipped");
        return Ok(());
    };
    // BullMQ names a scheduler's jobs `repeat:<scheduler id>:<millis>`
    let trigger = if ctx.job_id.starts_with("repeat:") {
        RunTrigger::Schedule
    } else {
        RunTrigger::Manual
    };
    if !row.enabled && trigger == RunTrigger::Schedule {
        tracing::info!(%config_id, "sync config is disabled; tick skipped");
        return Ok(());
    }
    engine::run(
        sync,
        &tenant,
        kind,
        &row,
        trigger,
        Some((&ctx.job_id, ctx.attempt)),
    )
    .await
    .map(|_| ())
    .map_err(job_error)
}

#[derive(Debug, FromQueryResult)]
struct EnabledConfig {
    id: Uuid,
    slug: String,
}

/// The new-student sync of every enabled Graphy config; one failing config does not stop the
/// others (the job retries when any failed; the others' second pass changes nothing).
async fn new_students(sync: &ExternalSync) -> Result<(), JobError> {
    let configs = EnabledConfig::find_by_statement(Statement::from_string(
        DbBackend::Postgres,
        "SELECT c.id, p.slug FROM mrlearn_sync_configs c JOIN platforms p ON p.id = c.platform_id \
         WHERE c.enabled ORDER BY c.id",
    ))
    .all(&sync.ctx.db)
    .await?;
    let mut failed = Vec::new();
    for c in configs {
        let tenant = tenant(sync, &c.slug).await?;
        let Some(row) =
            configs::find(&sync.ctx.db, SyncKind::Mrlearn, tenant.id, c.id, false).await?
        else {
            continue;
        };
        let run = engine::run(
            sync,
            &tenant,
            SyncKind::Mrlearn,
            &row,
            RunTrigger::NewStudents,
            None,
        );
        if let Err(err) = run.await {
            failed.push(format!("{}: {err}", c.id));
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(JobError::Retry(anyhow::anyhow!(
            "new-student sync failed for {}",
            failed.join("; ")
        )))
    }
}

/// Registers the sync's handlers and schedule sources.
pub fn workers(registry: &mut Registry, sync: &ExternalSync) {
    let s = sync.clone();
    registry.handle(move |ctx: JobContext, job: MrlearnSync| {
        let s = s.clone();
        async move { sync_one(&s, SyncKind::Mrlearn, &ctx, job.config_id).await }
    });
    let s = sync.clone();
    registry.handle(move |ctx: JobContext, job: MrtestSync| {
        let s = s.clone();
        async move { sync_one(&s, SyncKind::Mrtest, &ctx, job.config_id).await }
    });
    let s = sync.clone();
    registry.handle(move |ctx: JobContext, job: MrlearnReminder| {
        let s = s.clone();
        async move {
            let tenant = tenant(&s, &ctx.platform).await?;
            let row = configs::find(&s.ctx.db, SyncKind::Mrlearn, tenant.id, job.config_id, false).await?;
            match row {
                Some(row) if row.enabled && row.reminders_enabled => {
                    reminders::nudge(&s, &tenant, &row).await?;
                }
                _ => tracing::info!(config_id = %job.config_id, "nudges are off for this config; skipped"),
            }
            Ok(())
        }
    });
    let s = sync.clone();
    registry.handle(move |_ctx: JobContext, _job: MrlearnNewStudentSync| {
        let s = s.clone();
        async move { new_students(&s).await }
    });
    registry
        .schedule_source(Arc::new(ConfigSchedules(SyncKind::Mrlearn)))
        .schedule_source(Arc::new(ConfigSchedules(SyncKind::Mrtest)))
        .schedule_source(Arc::new(new_student_toggle()));
}

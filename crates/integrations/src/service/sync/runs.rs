//! `sync_runs`: a row when a run starts, its counts, errors and duration when it ends; the
//! admin's list; and "run now" (a sync job through the outbox, so it follows the commit).

use chrono::Utc;
use kernel::{Tenant, audit, auth::AuthUser, ids::new_id};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};
use serde_json::json;
use uuid::Uuid;

use super::configs;
use crate::{
    IntegrationsError,
    entities::sync_runs::{self, RunStatus, RunTrigger},
    sync::{ExternalSync, SyncKind, payloads},
};

/// What a run did so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Pages read.
    pub pages: i32,
    /// Rows inserted or changed.
    pub upserted: i32,
    /// Rows already up to date.
    pub unchanged: i32,
}

/// Records a run's start. A job runs on one worker at a time (BullMQ's lock), so when a job
/// starts again (a retry, or a stalled job taken over after its process died), every run of
/// that job still `running` was abandoned: it is closed as `failed`, saying so, instead of
/// staying `running` forever.
pub async fn start(
    conn: &impl ConnectionTrait,
    platform_id: Uuid,
    kind: SyncKind,
    config_id: Uuid,
    trigger: RunTrigger,
    job: Option<(&str, u32)>,
) -> Result<sync_runs::Model, sea_orm::DbErr> {
    if let Some((job_id, attempt)) = job {
        close_abandoned(conn, platform_id, job_id, attempt).await?;
    }
    sync_runs::Entity::insert(sync_runs::ActiveModel {
        id: Set(new_id()),
        platform_id: Set(platform_id),
        config_kind: Set(kind),
        config_id: Set(config_id),
        trigger: Set(trigger),
        job_id: Set(job.map(|(id, _)| id.to_owned())),
        attempt: Set(job.map_or(1, |(_, a)| i32::try_from(a).unwrap_or(i32::MAX))),
        status: Set(RunStatus::Running),
        pages: Set(0),
        upserted: Set(0),
        unchanged: Set(0),
        errors: Set(json!([])),
        started_at: Set(Utc::now()),
        finished_at: Set(None),
        duration_ms: Set(None),
    })
    .exec_with_returning(conn)
    .await
}

/// Closes the runs of `job_id` left `running` by an earlier attempt or a dead process.
async fn close_abandoned(
    conn: &impl ConnectionTrait,
    platform_id: Uuid,
    job_id: &str,
    attempt: u32,
) -> Result<u64, sea_orm::DbErr> {
    let now = Utc::now();
    let message = format!(
        "abandoned: the job started again (attempt {attempt}) while this run was still open \
         (its worker stopped)"
    );
    let closed = sync_runs::Entity::update_many()
        .col_expr(
            sync_runs::Column::Status,
            sea_orm::sea_query::Expr::value(RunStatus::Failed),
        )
        .col_expr(
            sync_runs::Column::Errors,
            sea_orm::sea_query::Expr::value(json!([{"message": message, "at": now}])),
        )
        .col_expr(
            sync_runs::Column::FinishedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(sync_runs::Column::PlatformId.eq(platform_id))
        .filter(sync_runs::Column::JobId.eq(job_id))
        .filter(sync_runs::Column::Status.eq(RunStatus::Running))
        .exec(conn)
        .await?
        .rows_affected;
    if closed > 0 {
        tracing::warn!(
            job_id,
            closed,
            "closed sync runs abandoned by a stopped worker"
        );
    }
    Ok(closed)
}

/// Records a run's end: its counts, its error if any, its duration.
pub async fn finish(
    conn: &impl ConnectionTrait,
    run: &sync_runs::Model,
    counts: &Counts,
    error: Option<&str>,
) -> Result<(), sea_orm::DbErr> {
    let now = Utc::now();
    let errors = match error {
        Some(message) => json!([{"message": message, "at": now}]),
        None => json!([]),
    };
    let duration = (now - run.started_at).num_milliseconds().max(0);
    sync_runs::Entity::update(sync_runs::ActiveModel {
        id: Set(run.id),
        status: Set(if error.is_some() {
            RunStatus::Failed
        } else {
            RunStatus::Succeeded
        }),
        pages: Set(counts.pages),
        upserted: Set(counts.upserted),
        unchanged: Set(counts.unchanged),
        errors: Set(errors),
        finished_at: Set(Some(now)),
        duration_ms: Set(Some(duration)),
        ..Default::default()
    })
    .exec(conn)
    .await?;
    Ok(())
}

/// The newest runs of a config of the platform (404 for another platform's config).
pub async fn list(
    conn: &impl ConnectionTrait,
    tenant: &Tenant,
    kind: SyncKind,
    config_id: Uuid,
    limit: u64,
) -> Result<Vec<sync_runs::Model>, IntegrationsError> {
    configs::get(conn, tenant, kind, config_id).await?;
    Ok(sync_runs::Entity::find()
        .filter(sync_runs::Column::PlatformId.eq(tenant.id))
        .filter(sync_runs::Column::ConfigKind.eq(kind))
        .filter(sync_runs::Column::ConfigId.eq(config_id))
        .order_by_desc(sync_runs::Column::StartedAt)
        .order_by_desc(sync_runs::Column::Id)
        .limit(limit)
        .all(conn)
        .await?)
}

/// Queues a run of the config now (disabled configs too: an admin may test one before
/// enabling it). Audited.
#[tracing::instrument(skip_all, fields(kind = kind.as_str(), %config_id), err)]
pub async fn run_now(
    sync: &ExternalSync,
    user: &AuthUser,
    kind: SyncKind,
    config_id: Uuid,
) -> Result<(), IntegrationsError> {
    let txn = sync.ctx.db.begin().await?;
    configs::find(&txn, kind, user.tenant.id, config_id, true)
        .await?
        .ok_or(IntegrationsError::SyncConfigNotFound)?;
    match kind {
        SyncKind::Mrlearn => {
            let job = payloads::MrlearnSync { config_id };
            jobs::outbox::enqueue_in(&txn, &user.tenant, &job).await?;
        }
        SyncKind::Mrtest => {
            let job = payloads::MrtestSync { config_id };
            jobs::outbox::enqueue_in(&txn, &user.tenant, &job).await?;
        }
    }
    audit::record(
        &txn,
        audit::Audit::by(
            user,
            "sync_config.run_requested",
            kind.config_table(),
            config_id,
        )
        .after(json!({"manual": true})),
    )
    .await?;
    txn.commit().await?;
    sync.jobs.notify_committed();
    Ok(())
}

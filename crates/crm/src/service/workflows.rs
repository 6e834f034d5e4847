//! Workflow definitions and runs (ADR 0051): a draft (trigger and steps) that publishing
//! copies into an immutable numbered version; runs pinned to the version that started them,
//! one per workflow, lead and trigger event (a redelivered event starts nothing new), with a
//! depth guard against workflows that trigger themselves.

use chrono::{DateTime, Utc};
use kernel::{
    audit::{self, Audit},
    auth::AuthUser,
    pagination::{Page, PageParams},
};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, FromQueryResult, Statement,
    TransactionTrait,
};
use uuid::Uuid;

use crate::{
    CrmError,
    dto::workflows::{
        NewWorkflow, RunDto, RunStepDto, Step, StepDef, Trigger, TriggerEvent, VersionDto,
        WorkflowDraft, WorkflowDto,
    },
    entities::Stage,
};

/// Runs started this many workflow steps deep are stopped with a visible error: a workflow
/// whose step triggers itself (or two that trigger each other) stops here.
pub const MAX_DEPTH: i32 = 3;

#[derive(Debug, FromQueryResult)]
struct WorkflowRow {
    id: Uuid,
    name: String,
    trigger: serde_json::Value,
    steps: serde_json::Value,
    current_version: Option<i32>,
    created_at: DateTime<Utc>,
}

fn decode<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> Result<T, CrmError> {
    serde_json::from_value(v)
        .map_err(|e| CrmError::Db(DbErr::Custom(format!("stored workflow: {e}"))))
}

impl WorkflowRow {
    fn dto(self) -> Result<WorkflowDto, CrmError> {
        Ok(WorkflowDto {
            id: self.id,
            name: self.name,
            trigger: decode(self.trigger)?,
            steps: decode(self.steps)?,
            current_version: self.current_version,
            created_at: self.created_at,
        })
    }
}

/// Checks what JSON Schema cannot: step ids unique and well-formed, texts within limits.
pub fn check_steps(trigger: &Trigger, steps: &[Step]) -> Result<(), CrmError> {
    if trigger.stage.is_some() && trigger.event != TriggerEvent::LeadStageChanged {
        return Err(CrmError::Invalid(
            "trigger",
            "a stage is only given for lead.stage_changed".into(),
        ));
    }
    if steps.is_empty() || steps.len() > 20 {
        return Err(CrmError::Invalid("steps", "give 1 to 20 steps".into()));
    }
    let texts = serde_json::to_string(steps).unwrap_or_default();
    if texts.contains("\\u0000") {
        return Err(CrmError::Invalid(
            "steps",
            "must not contain NUL characters".into(),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for step in steps {
        let id = step.id();
        let ok = !id.is_empty()
            && id.len() <= 32
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if !ok {
            return Err(CrmError::Invalid(
                "steps",
                format!("step id {id:?} must be 1-32 of a-z, 0-9, _ and -"),
            ));
        }
        if !seen.insert(id.to_owned()) {
            return Err(CrmError::Invalid(
                "steps",
                format!("step id {id:?} is used twice"),
            ));
        }
        match step {
            Step::SendWhatsapp {
                template, language, ..
            } => {
                if template.trim().is_empty() || template.len() > 512 {
                    return Err(CrmError::Invalid(
                        "steps",
                        "a template name is 1-512 characters".into(),
                    ));
                }
                if language
                    .as_ref()
                    .is_some_and(|l| l.len() < 2 || l.len() > 15)
                {
                    return Err(CrmError::Invalid(
                        "steps",
                        "a language code is 2-15 characters".into(),
                    ));
                }
            }
            Step::CreateTask {
                title,
                due_in_minutes,
                ..
            } => {
                if title.trim().is_empty() || title.len() > 200 {
                    return Err(CrmError::Invalid(
                        "steps",
                        "a task title is 1-200 characters".into(),
                    ));
                }
                if !(0..=525_600).contains(due_in_minutes) {
                    return Err(CrmError::Invalid(
                        "steps",
                        "due_in_minutes is 0-525600".into(),
                    ));
                }
            }
            Step::SetStage { .. } => {}
        }
    }
    Ok(())
}

/// The steps as run, or 422 on `steps`.
pub fn to_steps(defs: &[StepDef]) -> Result<Vec<Step>, CrmError> {
    defs.iter()
        .map(|d| d.to_step().map_err(|m| CrmError::Invalid("steps", m)))
        .collect()
}

fn json<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or_default()
}

/// Creates a workflow (a draft; nothing runs until it is published).
pub async fn create(
    db: &DatabaseConnection,
    admin: &AuthUser,
    req: NewWorkflow,
) -> Result<WorkflowDto, CrmError> {
    let steps = to_steps(&req.steps)?;
    check_steps(&req.trigger, &steps)?;
    let name = req.name.trim().to_owned();
    if name.is_empty() {
        return Err(CrmError::Invalid("name", "is required".into()));
    }
    let row = WorkflowRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO workflows (id, platform_id, name, trigger, steps, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (platform_id, name) DO NOTHING \
         RETURNING id, name, trigger, steps, current_version, created_at",
        [
            kernel::ids::new_id().into(),
            admin.tenant.id.into(),
            name.into(),
            json(&req.trigger).into(),
            json(&steps).into(),
            admin.id.into(),
        ],
    ))
    .one(db)
    .await?
    .ok_or(CrmError::WorkflowNameTaken)?;
    row.dto()
}

async fn find<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    id: Uuid,
    lock: bool,
) -> Result<WorkflowRow, CrmError> {
    let lock = if lock { " FOR UPDATE" } else { "" };
    WorkflowRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT id, name, trigger, steps, current_version, created_at FROM workflows \
             WHERE id = $1 AND platform_id = $2{lock}"
        ),
        [id.into(), platform_id.into()],
    ))
    .one(conn)
    .await?
    .ok_or(CrmError::NotFound("workflow"))
}

/// Replaces the draft; published versions and their runs are untouched.
pub async fn update(
    db: &DatabaseConnection,
    admin: &AuthUser,
    id: Uuid,
    req: WorkflowDraft,
) -> Result<WorkflowDto, CrmError> {
    let steps = to_steps(&req.steps)?;
    check_steps(&req.trigger, &steps)?;
    find(db, admin.tenant.id, id, false).await?;
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE workflows SET trigger = $3, steps = $4, updated_at = now() \
         WHERE id = $1 AND platform_id = $2",
        [
            id.into(),
            admin.tenant.id.into(),
            json(&req.trigger).into(),
            json(&steps).into(),
        ],
    ))
    .await?;
    find(db, admin.tenant.id, id, false).await?.dto()
}

/// Publishes the draft as the next version (audited); new runs use it, running runs keep
/// theirs.
pub async fn publish(
    db: &DatabaseConnection,
    admin: &AuthUser,
    id: Uuid,
) -> Result<VersionDto, CrmError> {
    let txn = db.begin().await?;
    let wf = find(&txn, admin.tenant.id, id, true).await?;
    let version = wf.current_version.unwrap_or(0) + 1;
    let now = Utc::now();
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO workflow_versions (id, platform_id, workflow_id, version, trigger, steps, \
         published_by, published_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        [
            kernel::ids::new_id().into(),
            admin.tenant.id.into(),
            wf.id.into(),
            version.into(),
            wf.trigger.clone().into(),
            wf.steps.clone().into(),
            admin.id.into(),
            now.into(),
        ],
    ))
    .await?;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE workflows SET current_version = $2, updated_at = now() WHERE id = $1",
        [wf.id.into(), version.into()],
    ))
    .await?;
    audit::record(
        &txn,
        Audit::by(admin, "workflow.published", "workflow", wf.id)
            .after(serde_json::json!({"version": version})),
    )
    .await?;
    txn.commit().await?;
    Ok(VersionDto {
        workflow_id: wf.id,
        version,
        trigger: decode(wf.trigger)?,
        steps: decode(wf.steps)?,
        published_at: now,
    })
}

#[derive(Debug, FromQueryResult)]
struct RunRow {
    id: Uuid,
    version: i32,
    lead_id: Uuid,
    depth: i32,
    status: String,
    error: Option<String>,
    created_at: DateTime<Utc>,
    finished_at: Option<DateTime<Utc>>,
}

#[derive(Debug, FromQueryResult)]
struct RunStepRow {
    run_id: Uuid,
    step_id: String,
    position: i32,
    kind: String,
    status: String,
    attempts: i32,
    output: Option<serde_json::Value>,
    error: Option<String>,
}

/// The workflow's runs, newest first, each with its steps.
pub async fn runs(
    db: &DatabaseConnection,
    admin: &AuthUser,
    id: Uuid,
    page: &PageParams,
) -> Result<Page<RunDto>, CrmError> {
    let limit = page.limit()?;
    let after: Option<(DateTime<Utc>, Uuid)> = page.after()?;
    find(db, admin.tenant.id, id, false).await?;
    let (at, after_id) = after.map_or((None, None), |(a, i)| (Some(a), Some(i)));
    let rows = RunRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT id, version, lead_id, depth, status, error, created_at, finished_at \
         FROM workflow_runs WHERE workflow_id = $1 AND platform_id = $2 \
         AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, $4)) \
         ORDER BY created_at DESC, id DESC LIMIT $5",
        [
            id.into(),
            admin.tenant.id.into(),
            at.into(),
            after_id.into(),
            i64::try_from(limit + 1).unwrap_or(101).into(),
        ],
    ))
    .all(db)
    .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let steps = if ids.is_empty() {
        Vec::new()
    } else {
        RunStepRow::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT run_id, step_id, position, kind, status, attempts, output, error \
             FROM workflow_run_steps WHERE run_id = ANY($1) ORDER BY position",
            [ids.into()],
        ))
        .all(db)
        .await?
    };
    let page = Page::from_rows(rows, limit, |r| (r.created_at, r.id));
    Ok(page.map(|r| RunDto {
        id: r.id,
        version: r.version,
        lead_id: r.lead_id,
        depth: r.depth,
        status: r.status,
        error: r.error,
        created_at: r.created_at,
        finished_at: r.finished_at,
        steps: steps
            .iter()
            .filter(|s| s.run_id == r.id)
            .map(|s| RunStepDto {
                step_id: s.step_id.clone(),
                position: s.position,
                kind: s.kind.clone(),
                status: s.status.clone(),
                attempts: s.attempts,
                output: s.output.clone(),
                error: s.error.clone(),
            })
            .collect(),
    }))
}

#[derive(Debug, FromQueryResult)]
struct LiveVersion {
    workflow_id: Uuid,
    version_id: Uuid,
    version: i32,
    trigger: serde_json::Value,
    steps: serde_json::Value,
}

/// A run to start: its id and its first step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Started {
    /// The run.
    pub run_id: Uuid,
    /// Its first step.
    pub first_step: String,
}

/// Starts a run of every published workflow of the platform whose trigger matches, pinned to
/// the live version; at most one per workflow, lead and `trigger_key` (the event's job id).
/// Past [`MAX_DEPTH`] the run is recorded failed with the reason and nothing runs.
pub async fn start_runs(
    db: &DatabaseConnection,
    platform_id: Uuid,
    event: TriggerEvent,
    stage: Option<Stage>,
    lead_id: Uuid,
    depth: i32,
    trigger_key: &str,
) -> Result<Vec<Started>, CrmError> {
    let live = LiveVersion::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT w.id AS workflow_id, v.id AS version_id, v.version, v.trigger, v.steps \
         FROM workflows w JOIN workflow_versions v \
           ON v.workflow_id = w.id AND v.version = w.current_version \
         WHERE w.platform_id = $1 AND w.trigger->>'event' = $2",
        [platform_id.into(), event.as_str().into()],
    ))
    .all(db)
    .await?;
    let mut started = Vec::new();
    for v in live {
        let trigger: Trigger = decode(v.trigger)?;
        if trigger.stage.is_some() && trigger.stage != stage {
            continue;
        }
        let steps: Vec<Step> = decode(v.steps)?;
        let Some(first) = steps.first() else { continue };
        let too_deep = depth > MAX_DEPTH;
        let (status, error) = if too_deep {
            (
                "failed",
                Some(format!(
                    "depth_limit: started {depth} workflow steps deep (at most {MAX_DEPTH}); \
                     a workflow triggers itself or another in a loop"
                )),
            )
        } else {
            ("running", None)
        };
        let run_id = kernel::ids::new_id();
        let inserted = db
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "INSERT INTO workflow_runs (id, platform_id, workflow_id, version_id, version, \
                 lead_id, trigger_key, depth, status, error, finished_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
                         CASE WHEN $9 = 'failed' THEN now() END) \
                 ON CONFLICT (workflow_id, lead_id, trigger_key) DO NOTHING RETURNING id",
                [
                    run_id.into(),
                    platform_id.into(),
                    v.workflow_id.into(),
                    v.version_id.into(),
                    v.version.into(),
                    lead_id.into(),
                    trigger_key.into(),
                    depth.into(),
                    status.into(),
                    error.clone().into(),
                ],
            ))
            .await?;
        if inserted.is_none() {
            // the event came again: a run it started whose first step never got queued (the
            // process stopped in between) is handed out again; the step job's id dedupes
            let pending = db
                .query_one_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT r.id FROM workflow_runs r WHERE r.workflow_id = $1 AND r.lead_id = $2 \
                     AND r.trigger_key = $3 AND r.status = 'running' \
                     AND NOT EXISTS (SELECT 1 FROM workflow_run_steps s WHERE s.run_id = r.id)",
                    [v.workflow_id.into(), lead_id.into(), trigger_key.into()],
                ))
                .await?;
            if let Some(row) = pending {
                started.push(Started {
                    run_id: row.try_get("", "id")?,
                    first_step: first.id().to_owned(),
                });
            }
            continue;
        }
        if too_deep {
            tracing::warn!(%run_id, workflow_id = %v.workflow_id, depth, "workflow run stopped by the depth guard");
            continue;
        }
        started.push(Started {
            run_id,
            first_step: first.id().to_owned(),
        });
    }
    Ok(started)
}

#[derive(Debug, FromQueryResult)]
struct RunState {
    id: Uuid,
    status: String,
    steps: serde_json::Value,
}

async fn run_of<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    workflow_id: Uuid,
    run_id: Uuid,
) -> Result<RunState, CrmError> {
    RunState::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT r.id, r.status, v.steps FROM workflow_runs r \
         JOIN workflow_versions v ON v.id = r.version_id \
         WHERE r.id = $1 AND r.workflow_id = $2 AND r.platform_id = $3 FOR UPDATE OF r",
        [run_id.into(), workflow_id.into(), platform_id.into()],
    ))
    .one(conn)
    .await?
    .ok_or(CrmError::NotFound("workflow run"))
}

/// The first step of the run's version that is not done (what runs next).
async fn next_undone<C: ConnectionTrait>(
    conn: &C,
    run_id: Uuid,
    steps: serde_json::Value,
) -> Result<Option<(String, i32)>, CrmError> {
    let steps: Vec<Step> = decode(steps)?;
    let done: Vec<String> = conn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT step_id FROM workflow_run_steps WHERE run_id = $1 AND status = 'done'",
            [run_id.into()],
        ))
        .await?
        .iter()
        .filter_map(|r| r.try_get::<String>("", "step_id").ok())
        .collect();
    for s in steps {
        if !done.iter().any(|d| d == s.id()) {
            let n = conn
                .query_one_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT attempts FROM workflow_run_steps WHERE run_id = $1 AND step_id = $2",
                    [run_id.into(), s.id().into()],
                ))
                .await?
                .and_then(|r| r.try_get::<i32>("", "attempts").ok())
                .unwrap_or(0);
            return Ok(Some((s.id().to_owned(), n)));
        }
    }
    Ok(None)
}

/// A step to queue again: the run, the step and the job id to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requeue {
    /// The run.
    pub run_id: Uuid,
    /// The step.
    pub step_id: String,
    /// The BullMQ job id (`<run>.<step>` or, for a retry after a failure, with the attempt).
    pub job_id: String,
}

/// Retries a failed run from its failed step (the steps done before are not run again; the
/// effect ledger keeps any effect from being repeated). Audited. 409-free: a run that is not
/// failed is 422 on `status`.
pub async fn retry_run(
    db: &DatabaseConnection,
    admin: &AuthUser,
    workflow_id: Uuid,
    run_id: Uuid,
) -> Result<Requeue, CrmError> {
    let txn = db.begin().await?;
    let run = run_of(&txn, admin.tenant.id, workflow_id, run_id).await?;
    if run.status != "failed" {
        return Err(CrmError::Invalid(
            "status",
            format!(
                "only a failed run can be retried (this one is {})",
                run.status
            ),
        ));
    }
    let Some((step_id, attempts)) = next_undone(&txn, run.id, run.steps).await? else {
        return Err(CrmError::Invalid(
            "status",
            "the run has no step left to run (stopped by the depth guard?)".into(),
        ));
    };
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE workflow_runs SET status = 'running', error = NULL, finished_at = NULL, \
         updated_at = now() WHERE id = $1",
        [run.id.into()],
    ))
    .await?;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE workflow_run_steps SET status = 'running', error = NULL, finished_at = NULL \
         WHERE run_id = $1 AND step_id = $2",
        [run.id.into(), step_id.clone().into()],
    ))
    .await?;
    audit::record(
        &txn,
        Audit::by(admin, "workflow_run.retried", "workflow_run", run.id)
            .after(serde_json::json!({"step_id": step_id})),
    )
    .await?;
    txn.commit().await?;
    Ok(Requeue {
        job_id: format!("{}.{}.{}", run.id, step_id, attempts),
        run_id: run.id,
        step_id,
    })
}

/// Cancels a running run: no further step runs (a step already running finishes). Audited.
pub async fn cancel_run(
    db: &DatabaseConnection,
    admin: &AuthUser,
    workflow_id: Uuid,
    run_id: Uuid,
) -> Result<(), CrmError> {
    let txn = db.begin().await?;
    let run = run_of(&txn, admin.tenant.id, workflow_id, run_id).await?;
    if run.status != "running" {
        return Err(CrmError::Invalid(
            "status",
            format!(
                "only a running run can be cancelled (this one is {})",
                run.status
            ),
        ));
    }
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE workflow_runs SET status = 'cancelled', error = 'cancelled by an admin', \
         finished_at = now(), updated_at = now() WHERE id = $1",
        [run.id.into()],
    ))
    .await?;
    audit::record(
        &txn,
        Audit::by(admin, "workflow_run.cancelled", "workflow_run", run.id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Runs `running` with no progress for `idle`: each gets its next step queued again (under
/// the step's deterministic id, so a step still waiting in the queue is not doubled) and is
/// logged, so no run stays stuck silently. Returns what was queued.
pub async fn stale_runs(
    db: &DatabaseConnection,
    idle: chrono::Duration,
) -> Result<Vec<(String, Requeue)>, CrmError> {
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT r.id, r.status, v.steps, p.slug FROM workflow_runs r \
             JOIN workflow_versions v ON v.id = r.version_id \
             JOIN platforms p ON p.id = r.platform_id \
             WHERE r.status = 'running' AND r.updated_at < $1 ORDER BY r.updated_at LIMIT 500",
            [(Utc::now() - idle).into()],
        ))
        .await?;
    let mut out = Vec::new();
    for row in rows {
        let run_id: Uuid = row.try_get("", "id")?;
        let slug: String = row.try_get("", "slug")?;
        let steps: serde_json::Value = row.try_get("", "steps")?;
        if let Some((step_id, _)) = next_undone(db, run_id, steps).await? {
            db.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE workflow_runs SET updated_at = now() WHERE id = $1",
                [run_id.into()],
            ))
            .await?;
            tracing::warn!(%run_id, %step_id, "stale workflow run: its next step is queued again");
            out.push((
                slug,
                Requeue {
                    job_id: format!("{run_id}.{step_id}"),
                    run_id,
                    step_id,
                },
            ));
        }
    }
    Ok(out)
}

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
        END, LeadField, NewWorkflow, RunDto, RunStepDto, SinceEvent, Step, StepDef, Trigger,
        TriggerEvent, VersionDto, WorkflowDraft, WorkflowDto,
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

/// Checks what JSON Schema cannot: the trigger's filters, step ids unique and well-formed,
/// texts within limits, branches that only jump forward (a run visits each step at most once,
/// so a workflow cannot loop inside itself, and each step's job id stays unique), webhook
/// URLs that are `http(s)`.
pub fn check_steps(trigger: &Trigger, steps: &[Step]) -> Result<(), CrmError> {
    trigger
        .check()
        .map_err(|m| CrmError::Invalid("trigger", m))?;
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
            && id != END
            && id.len() <= 32
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if !ok {
            return Err(CrmError::Invalid(
                "steps",
                format!("step id {id:?} must be 1-32 of a-z, 0-9, _ and - (and not `end`)"),
            ));
        }
        if !seen.insert(id.to_owned()) {
            return Err(CrmError::Invalid(
                "steps",
                format!("step id {id:?} is used twice"),
            ));
        }
    }
    for (i, step) in steps.iter().enumerate() {
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
            Step::Branch {
                id,
                then_goto,
                else_goto,
                ..
            } => {
                for target in [then_goto, else_goto].into_iter().flatten() {
                    let later = steps[i + 1..].iter().any(|s| s.id() == target);
                    if target != END && !later {
                        return Err(CrmError::Invalid(
                            "steps",
                            format!("branch {id} goes to {target:?}: a later step's id or `end`"),
                        ));
                    }
                }
            }
            Step::HttpWebhook { id, url } => {
                let ok = reqwest::Url::parse(url).is_ok_and(|u| {
                    matches!(u.scheme(), "http" | "https")
                        && u.host_str().is_some()
                        && u.username().is_empty()
                        && u.password().is_none()
                });
                if !ok {
                    return Err(CrmError::Invalid(
                        "steps",
                        format!("step {id}: the URL is http(s) with a host and no credentials"),
                    ));
                }
            }
            Step::SendEmail { id, subject, body } => {
                if subject.trim().is_empty() || body.trim().is_empty() {
                    return Err(CrmError::Invalid(
                        "steps",
                        format!("step {id}: a subject and a body are needed"),
                    ));
                }
            }
            Step::LlmMessage {
                id, instruction, ..
            } => {
                if instruction.trim().is_empty() {
                    return Err(CrmError::Invalid(
                        "steps",
                        format!("step {id}: an instruction is needed"),
                    ));
                }
            }
            Step::SetStage { .. } | Step::Wait { .. } | Step::UpdateField { .. } => {}
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

/// An event that may start runs: what happened to which lead, and the key that makes its
/// run unique per workflow (the event job's id; `since:…` and `schedule:…` for the scan).
#[derive(Debug, Clone)]
pub struct Fired {
    /// The event.
    pub event: TriggerEvent,
    /// The lead.
    pub lead_id: Uuid,
    /// How many workflow steps led here (0: a person, a vendor, a form, the scan).
    pub depth: i32,
    /// One run per workflow, lead and key.
    pub trigger_key: String,
    /// The stage entered (stage changes) or the lead is in (the scan).
    pub stage: Option<Stage>,
    /// The field changed.
    pub field: Option<LeadField>,
    /// The form submitted.
    pub form: Option<String>,
    /// Only this workflow (the trigger scan fires per workflow).
    pub workflow_id: Option<Uuid>,
}

impl Fired {
    /// An event with no filter values.
    pub fn new(event: TriggerEvent, lead_id: Uuid, depth: i32, trigger_key: &str) -> Self {
        Self {
            event,
            lead_id,
            depth,
            trigger_key: trigger_key.to_owned(),
            stage: None,
            field: None,
            form: None,
            workflow_id: None,
        }
    }

    fn matches(&self, t: &Trigger) -> bool {
        t.stage.is_none_or(|s| Some(s) == self.stage)
            && t.field.is_none_or(|f| Some(f) == self.field)
            && t.form
                .as_deref()
                .is_none_or(|f| Some(f) == self.form.as_deref())
    }
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
    let mut fired = Fired::new(event, lead_id, depth, trigger_key);
    fired.stage = stage;
    start_fired(db, platform_id, &fired).await
}

/// [`start_runs`] for any event. A trigger with `debounce_minutes` coalesces: while a run of
/// the workflow for the lead started within that window, the event starts nothing (logged);
/// the check and the insert hold a transaction-scoped advisory lock on (workflow, lead), so
/// two events at once cannot both pass it.
pub async fn start_fired(
    db: &DatabaseConnection,
    platform_id: Uuid,
    fired: &Fired,
) -> Result<Vec<Started>, CrmError> {
    let live = LiveVersion::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT w.id AS workflow_id, v.id AS version_id, v.version, v.trigger, v.steps \
         FROM workflows w JOIN workflow_versions v \
           ON v.workflow_id = w.id AND v.version = w.current_version \
         WHERE w.platform_id = $1 AND w.trigger->>'event' = $2 \
           AND v.trigger->>'event' = $2 AND ($3::uuid IS NULL OR w.id = $3)",
        [
            platform_id.into(),
            fired.event.as_str().into(),
            fired.workflow_id.into(),
        ],
    ))
    .all(db)
    .await?;
    let (lead_id, depth, trigger_key) = (fired.lead_id, fired.depth, fired.trigger_key.as_str());
    let mut started = Vec::new();
    for v in live {
        let trigger: Trigger = decode(v.trigger)?;
        if !fired.matches(&trigger) {
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
        let txn = db.begin().await?;
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
            [format!("workflow-run:{}:{lead_id}", v.workflow_id).into()],
        ))
        .await?;
        if let Some(minutes) = trigger.debounce_minutes.filter(|m| *m > 0) {
            let recent = txn
                .query_one_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT 1 AS one FROM workflow_runs WHERE workflow_id = $1 AND lead_id = $2 \
                     AND trigger_key <> $3 AND created_at > now() - make_interval(mins => $4) \
                     LIMIT 1",
                    [
                        v.workflow_id.into(),
                        lead_id.into(),
                        trigger_key.into(),
                        i32::try_from(minutes).unwrap_or(i32::MAX).into(),
                    ],
                ))
                .await?;
            if recent.is_some() {
                txn.rollback().await?;
                tracing::info!(workflow_id = %v.workflow_id, %lead_id, "workflow trigger coalesced (debounce)");
                continue;
            }
        }
        let run_id = kernel::ids::new_id();
        let inserted = txn
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "INSERT INTO workflow_runs (id, platform_id, workflow_id, version_id, version, \
                 lead_id, trigger_key, depth, status, error, finished_at, next_step) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
                         CASE WHEN $9 = 'failed' THEN now() END, $11) \
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
                    first.id().into(),
                ],
            ))
            .await?;
        txn.commit().await?;
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

/// A lead the trigger scan fires a workflow for.
#[derive(Debug, Clone)]
pub struct ScanHit {
    /// The platform's slug (the queue envelope).
    pub platform: String,
    /// The platform.
    pub platform_id: Uuid,
    /// What to start.
    pub fired: Fired,
}

#[derive(Debug, FromQueryResult)]
struct TimedWorkflow {
    workflow_id: Uuid,
    platform_id: Uuid,
    slug: String,
    trigger: serde_json::Value,
    first_published: DateTime<Utc>,
}

/// Leads fired per workflow per scan at most.
pub const SCAN_LIMIT: i64 = 2_000;

/// The 5-minute trigger scan: for each live `time_since` workflow, the leads whose event is
/// at least `minutes` old (and happened no earlier than `minutes` before the workflow was
/// first published, so publishing does not fire for the whole history) with no run for that
/// event yet; for each live `schedule` workflow whose current period (`minutes` long, counted
/// from the Unix epoch) is claimed now (`workflow_schedule_slots`, once), its open leads
/// (optionally in `stage`).
pub async fn scan_triggers(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<Vec<ScanHit>, CrmError> {
    let timed = TimedWorkflow::find_by_statement(Statement::from_string(
        DbBackend::Postgres,
        "SELECT w.id AS workflow_id, w.platform_id, p.slug, v.trigger, \
           (SELECT min(published_at) FROM workflow_versions f WHERE f.workflow_id = w.id) \
             AS first_published \
         FROM workflows w JOIN workflow_versions v \
           ON v.workflow_id = w.id AND v.version = w.current_version \
         JOIN platforms p ON p.id = w.platform_id \
         WHERE v.trigger->>'event' IN ('time_since', 'schedule')",
    ))
    .all(db)
    .await?;
    let mut hits = Vec::new();
    for w in timed {
        let trigger: Trigger = decode(w.trigger)?;
        let minutes = trigger.minutes.unwrap_or(60).max(1);
        let stage = trigger.stage.map(|s| s.to_string());
        let rows = match trigger.event {
            TriggerEvent::TimeSince if trigger.since == Some(SinceEvent::Created) => {
                db.query_all_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT l.id AS lead_id, l.stage::text AS stage, 'since:created' AS key \
                     FROM leads l WHERE l.platform_id = $1 \
                     AND l.created_at <= $2 - make_interval(mins => $3) \
                     AND l.created_at >= $4 - make_interval(mins => $3) \
                     AND NOT EXISTS (SELECT 1 FROM workflow_runs r WHERE r.workflow_id = $5 \
                       AND r.lead_id = l.id AND r.trigger_key = 'since:created') \
                     ORDER BY l.created_at LIMIT $6",
                    [
                        w.platform_id.into(),
                        now.into(),
                        i32::try_from(minutes).unwrap_or(i32::MAX).into(),
                        w.first_published.into(),
                        w.workflow_id.into(),
                        SCAN_LIMIT.into(),
                    ],
                ))
                .await?
            }
            TriggerEvent::TimeSince => {
                db.query_all_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT h.lead_id, h.stage::text AS stage, 'since:stage:' || h.id AS key \
                     FROM lead_stage_history h WHERE h.platform_id = $1 AND h.left_at IS NULL \
                     AND ($7::text IS NULL OR h.stage::text = $7) \
                     AND h.entered_at <= $2 - make_interval(mins => $3) \
                     AND h.entered_at >= $4 - make_interval(mins => $3) \
                     AND NOT EXISTS (SELECT 1 FROM workflow_runs r WHERE r.workflow_id = $5 \
                       AND r.lead_id = h.lead_id AND r.trigger_key = 'since:stage:' || h.id) \
                     ORDER BY h.entered_at LIMIT $6",
                    [
                        w.platform_id.into(),
                        now.into(),
                        i32::try_from(minutes).unwrap_or(i32::MAX).into(),
                        w.first_published.into(),
                        w.workflow_id.into(),
                        SCAN_LIMIT.into(),
                        stage.clone().into(),
                    ],
                ))
                .await?
            }
            TriggerEvent::Schedule => {
                let slot = now.timestamp() / 60 / minutes;
                let claimed = db
                    .query_one_raw(Statement::from_sql_and_values(
                        DbBackend::Postgres,
                        "INSERT INTO workflow_schedule_slots (workflow_id, slot) VALUES ($1, $2) \
                         ON CONFLICT DO NOTHING RETURNING slot",
                        [w.workflow_id.into(), slot.into()],
                    ))
                    .await?;
                if claimed.is_none() {
                    continue;
                }
                db.query_all_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT l.id AS lead_id, l.stage::text AS stage, 'schedule:' || $3 AS key \
                     FROM leads l WHERE l.platform_id = $1 \
                     AND l.stage NOT IN ('won', 'lost') \
                     AND ($2::text IS NULL OR l.stage::text = $2) \
                     ORDER BY l.created_at LIMIT $4",
                    [
                        w.platform_id.into(),
                        stage.clone().into(),
                        slot.to_string().into(),
                        SCAN_LIMIT.into(),
                    ],
                ))
                .await?
            }
            _ => continue,
        };
        for row in rows {
            let lead_id: Uuid = row.try_get("", "lead_id")?;
            let key: String = row.try_get("", "key")?;
            let stage: String = row.try_get("", "stage")?;
            let mut fired = Fired::new(trigger.event, lead_id, 0, &key);
            fired.stage = serde_json::from_value(serde_json::Value::String(stage)).ok();
            fired.workflow_id = Some(w.workflow_id);
            hits.push(ScanHit {
                platform: w.slug.clone(),
                platform_id: w.platform_id,
                fired,
            });
        }
    }
    Ok(hits)
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

/// What runs next: the run's cursor (`next_step`), or for a run from before the cursor the
/// first step of its version that is not done; with the step's attempts and status so far.
async fn next_undone<C: ConnectionTrait>(
    conn: &C,
    run_id: Uuid,
    steps: serde_json::Value,
) -> Result<Option<(String, i32, String)>, CrmError> {
    let steps: Vec<Step> = decode(steps)?;
    let cursor: Option<String> = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT next_step FROM workflow_runs WHERE id = $1",
            [run_id.into()],
        ))
        .await?
        .and_then(|r| r.try_get::<Option<String>>("", "next_step").ok())
        .flatten();
    let done: Vec<String> = conn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT step_id FROM workflow_run_steps WHERE run_id = $1 \
             AND status IN ('done', 'blocked')",
            [run_id.into()],
        ))
        .await?
        .iter()
        .filter_map(|r| r.try_get::<String>("", "step_id").ok())
        .collect();
    let next = match cursor {
        Some(c) => steps.iter().find(|s| s.id() == c),
        None => steps.iter().find(|s| !done.iter().any(|d| d == s.id())),
    };
    let Some(s) = next else { return Ok(None) };
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT attempts, status FROM workflow_run_steps WHERE run_id = $1 AND step_id = $2",
            [run_id.into(), s.id().into()],
        ))
        .await?;
    let attempts = row
        .as_ref()
        .and_then(|r| r.try_get::<i32>("", "attempts").ok())
        .unwrap_or(0);
    let status = row
        .and_then(|r| r.try_get::<String>("", "status").ok())
        .unwrap_or_default();
    Ok(Some((s.id().to_owned(), attempts, status)))
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
    let Some((step_id, attempts, _)) = next_undone(&txn, run.id, run.steps).await? else {
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
             WHERE r.status = 'running' AND r.updated_at < $1 \
               AND (r.resume_at IS NULL OR r.resume_at < $1) \
             ORDER BY r.updated_at LIMIT 500",
            [(Utc::now() - idle).into()],
        ))
        .await?;
    let mut out = Vec::new();
    for row in rows {
        let run_id: Uuid = row.try_get("", "id")?;
        let slug: String = row.try_get("", "slug")?;
        let steps: serde_json::Value = row.try_get("", "steps")?;
        if let Some((step_id, attempts, status)) = next_undone(db, run_id, steps).await? {
            db.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE workflow_runs SET updated_at = now() WHERE id = $1",
                [run_id.into()],
            ))
            .await?;
            tracing::warn!(%run_id, %step_id, "stale workflow run: its next step is queued again");
            // a deferred step waits under its deferral's id, so queueing that id again does
            // not double it
            let job_id = if status == "deferred" {
                format!("{run_id}.{step_id}.q{attempts}")
            } else {
                format!("{run_id}.{step_id}")
            };
            out.push((
                slug,
                Requeue {
                    job_id,
                    run_id,
                    step_id,
                },
            ));
        }
    }
    Ok(out)
}

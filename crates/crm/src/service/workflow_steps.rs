//! Running one step of a workflow run (ADR 0051). A step runs in one transaction that locks
//! the run, records the step's attempt, and writes its effect together with the effect
//! ledger row `run_id:step_id` (`workflow_effects`, `INSERT .. ON CONFLICT DO NOTHING`): a
//! retry, a second replica, a redelivered job or a replay of a finished step finds the ledger
//! row and performs nothing again. A WhatsApp message is queued through comms' outbox in the
//! same transaction, so it is sent once per ledger row.

use chrono::{Duration, Utc};
use comms::whatsapp::{Content, TemplateMessage, WhatsAppJob, service as wa};
use kernel::{AppContext, Tenant};
use sea_orm::{
    ConnectionTrait, DbBackend, DbErr, EntityTrait, FromQueryResult, Statement, TransactionTrait,
};
use uuid::Uuid;

use crate::{
    CrmError,
    dto::workflows::Step,
    entities::{ActivityKind, leads},
    service::leads::{add_activity, apply_stage},
};

#[derive(Debug, FromQueryResult)]
struct RunRow {
    platform_id: Uuid,
    lead_id: Uuid,
    depth: i32,
    status: String,
    steps: serde_json::Value,
}

/// What a step run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepOutcome {
    /// The run is not running (finished, failed): nothing done.
    Idle,
    /// The step is done; run this one next.
    Next(String),
    /// The step is done and was the last: the run is completed.
    Completed,
}

/// The ledger key of a step's effect.
pub fn effect_key(run_id: Uuid, step_id: &str) -> String {
    format!("{run_id}:{step_id}")
}

/// Runs step `step_id` of run `run_id` (idempotent, see the module).
pub async fn run_step(
    ctx: &AppContext,
    tenant: &Tenant,
    run_id: Uuid,
    step_id: &str,
) -> Result<StepOutcome, CrmError> {
    let txn = ctx.db.begin().await?;
    let Some(run) = RunRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT r.platform_id, r.lead_id, r.depth, r.status, v.steps FROM workflow_runs r \
         JOIN workflow_versions v ON v.id = r.version_id \
         WHERE r.id = $1 AND r.platform_id = $2 FOR UPDATE OF r",
        [run_id.into(), tenant.id.into()],
    ))
    .one(&txn)
    .await?
    else {
        return Ok(StepOutcome::Idle);
    };
    if run.status != "running" {
        return Ok(StepOutcome::Idle);
    }
    let steps: Vec<Step> = serde_json::from_value(run.steps)
        .map_err(|e| CrmError::Db(DbErr::Custom(format!("stored workflow: {e}"))))?;
    let Some(position) = steps.iter().position(|s| s.id() == step_id) else {
        fail_in(
            &txn,
            run_id,
            step_id,
            &format!("no step {step_id:?} in the run's version"),
            1,
        )
        .await?;
        txn.commit().await?;
        return Ok(StepOutcome::Idle);
    };
    let step = &steps[position];
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO workflow_run_steps (run_id, step_id, position, kind, status, attempts) \
         VALUES ($1, $2, $3, $4, 'running', 1) ON CONFLICT (run_id, step_id) DO UPDATE \
         SET attempts = workflow_run_steps.attempts + 1",
        [
            run_id.into(),
            step_id.into(),
            i32::try_from(position).unwrap_or(i32::MAX).into(),
            step.kind().into(),
        ],
    ))
    .await?;
    let key = effect_key(run_id, step_id);
    let claimed = txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO workflow_effects (key, platform_id, run_id, step_id, kind) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key) DO NOTHING RETURNING key",
            [
                key.clone().into(),
                run.platform_id.into(),
                run_id.into(),
                step_id.into(),
                step.kind().into(),
            ],
        ))
        .await?
        .is_some();
    let output = if claimed {
        let output = perform(&txn, tenant, run_id, run.lead_id, run.depth, step).await?;
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE workflow_effects SET result = $2 WHERE key = $1",
            [key.into(), output.clone().into()],
        ))
        .await?;
        output
    } else {
        let row = txn
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT result FROM workflow_effects WHERE key = $1",
                [key.into()],
            ))
            .await?;
        let mut out: serde_json::Value = match row {
            Some(r) => r.try_get("", "result")?,
            None => serde_json::json!({}),
        };
        out["replayed"] = serde_json::json!(true);
        out
    };
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE workflow_run_steps SET status = 'done', output = $3, error = NULL, \
         finished_at = COALESCE(finished_at, now()) WHERE run_id = $1 AND step_id = $2",
        [run_id.into(), step_id.into(), output.into()],
    ))
    .await?;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE workflow_runs SET updated_at = now() WHERE id = $1",
        [run_id.into()],
    ))
    .await?;
    let outcome = match steps.get(position + 1) {
        Some(next) => StepOutcome::Next(next.id().to_owned()),
        None => {
            txn.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE workflow_runs SET status = 'completed', finished_at = now(), \
                 updated_at = now() WHERE id = $1",
                [run_id.into()],
            ))
            .await?;
            StepOutcome::Completed
        }
    };
    txn.commit().await?;
    Ok(outcome)
}

async fn perform<C: ConnectionTrait>(
    txn: &C,
    tenant: &Tenant,
    run_id: Uuid,
    lead_id: Uuid,
    depth: i32,
    step: &Step,
) -> Result<serde_json::Value, CrmError> {
    let lead = leads::Entity::find_by_id(lead_id)
        .one(txn)
        .await?
        .ok_or(CrmError::NotFound("lead"))?;
    match step {
        Step::SendWhatsapp {
            template, language, ..
        } => {
            let template = TemplateMessage {
                name: template.clone(),
                language: language.clone().unwrap_or_else(|| "en".to_owned()),
                components: Vec::new(),
            };
            let row = wa::insert_outbound(
                txn,
                tenant.id,
                &lead.phone_e164,
                Content::Template(&template),
                None,
            )
            .await?;
            jobs::outbox::enqueue_in(
                txn,
                tenant,
                &WhatsAppJob {
                    message_id: Some(row.id),
                    to: lead.phone_e164.clone(),
                    text: None,
                    template: Some(template),
                },
            )
            .await?;
            add_activity(
                txn,
                tenant.id,
                lead.id,
                ActivityKind::Whatsapp,
                None,
                serde_json::json!({"message_id": row.id, "run_id": run_id}),
            )
            .await?;
            Ok(serde_json::json!({"message_id": row.id}))
        }
        Step::SetStage { stage, .. } => {
            if lead.stage == *stage {
                return Ok(serde_json::json!({"stage": stage, "changed": false}));
            }
            let note = Some(format!("workflow run {run_id}"));
            apply_stage(txn, tenant, lead, *stage, None, note, depth + 1).await?;
            Ok(serde_json::json!({"stage": stage, "changed": true}))
        }
        Step::CreateTask {
            title,
            due_in_minutes,
            ..
        } => {
            let id = kernel::ids::new_id();
            let due = Utc::now() + Duration::minutes(*due_in_minutes);
            txn.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "INSERT INTO lead_tasks (id, platform_id, lead_id, assignee_id, title, due_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                [
                    id.into(),
                    tenant.id.into(),
                    lead.id.into(),
                    lead.owner_id.into(),
                    title.clone().into(),
                    due.into(),
                ],
            ))
            .await?;
            add_activity(
                txn,
                tenant.id,
                lead.id,
                ActivityKind::Task,
                None,
                serde_json::json!({"task_id": id, "run_id": run_id}),
            )
            .await?;
            Ok(serde_json::json!({"task_id": id}))
        }
    }
}

async fn fail_in<C: ConnectionTrait>(
    conn: &C,
    run_id: Uuid,
    step_id: &str,
    error: &str,
    attempts: i32,
) -> Result<(), DbErr> {
    let error: String = error.chars().take(2000).collect();
    // the failed attempt's own transaction rolled back: the step's row is written here, with
    // its position and kind from the run's version
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO workflow_run_steps (run_id, step_id, position, kind, status, attempts, \
         error, finished_at) \
         SELECT r.id, $2, (t.n - 1)::int, t.elem->>'kind', 'failed', $4, $3, now() \
         FROM workflow_runs r JOIN workflow_versions v ON v.id = r.version_id, \
              jsonb_array_elements(v.steps) WITH ORDINALITY AS t(elem, n) \
         WHERE r.id = $1 AND t.elem->>'id' = $2 \
         ON CONFLICT (run_id, step_id) DO UPDATE SET status = 'failed', error = EXCLUDED.error, \
         attempts = GREATEST(workflow_run_steps.attempts, EXCLUDED.attempts), finished_at = now()",
        [
            run_id.into(),
            step_id.into(),
            error.clone().into(),
            attempts.into(),
        ],
    ))
    .await?;
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE workflow_runs SET status = 'failed', error = $2, finished_at = now(), \
         updated_at = now() WHERE id = $1 AND status = 'running'",
        [run_id.into(), format!("step {step_id}: {error}").into()],
    ))
    .await?;
    Ok(())
}

/// Records a step's final failure on the run (after its last attempt): visible in the run
/// history, never a run stuck `running`.
pub async fn fail_step(
    ctx: &AppContext,
    run_id: Uuid,
    step_id: &str,
    error: &str,
    attempts: u32,
) -> Result<(), CrmError> {
    let attempts = i32::try_from(attempts).unwrap_or(i32::MAX);
    Ok(fail_in(&ctx.db, run_id, step_id, error, attempts).await?)
}

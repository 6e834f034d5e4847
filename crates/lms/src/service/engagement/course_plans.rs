//! AI course plans (`coursePlanQueue`, ADR 0063): a batch lead (or super mentor, admin) asks
//! for a student's week-by-week plan of a course; the job sends the course's outline and the
//! student's goals and schedule (no name, no contact) to the LLM gateway's `course_plan`
//! agent with the plan's JSON schema; the gateway asks once more when an answer does not
//! satisfy it, then tries the next provider, then fails with `ai_invalid_output`, and the plan
//! is stored `failed` with the reason. A plan is stored with its provider, model and prompt
//! version, and the batch lead can replace it with an edit that satisfies the same schema.

use integrations::{Integrations, entities::kinds::Agent, service::complete};
use kernel::Tenant;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Statement, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use super::consoles::{self, Viewer};
use crate::{
    dto::course_plans::{CoursePlan, NewCoursePlan},
    error::LmsError,
};

/// The job that writes a plan (ids only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenerateCoursePlan {
    /// The plan row.
    pub plan_id: Uuid,
}

impl jobs::JobSpec for GenerateCoursePlan {
    const QUEUE: &'static str = "coursePlanQueue";
    const NAME: &'static str = "generate-course-plan";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// The plan's JSON schema (what the model must answer, what an edit must satisfy).
pub fn schema() -> Value {
    json!({
        "type": "object",
        "required": ["weeks"],
        "properties": {
            "weeks": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["week", "focus", "items", "hours"],
                    "properties": {
                        "week": {"type": "integer", "minimum": 1},
                        "focus": {"type": "string", "minLength": 1},
                        "items": {"type": "array", "items": {"type": "string"}},
                        "hours": {"type": "number", "minimum": 0}
                    }
                }
            }
        }
    })
}

const COLUMNS: &str = "id, user_id, course_id, goals, hours_per_week, weeks, status, plan, provider, \
     model, prompt_version, error, requested_by, edited_by, edited_at, created_at";

/// Records the request and queues its job, in one transaction.
pub async fn request(
    db: &DatabaseConnection,
    tenant: &Tenant,
    viewer: Viewer,
    by: Uuid,
    req: &NewCoursePlan,
) -> Result<CoursePlan, LmsError> {
    consoles::enrolment_batch(db, tenant.id, viewer, req.user_id, Some(req.course_id)).await?;
    let txn = db.begin().await?;
    let plan = CoursePlan::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "INSERT INTO course_plans (id, platform_id, user_id, course_id, goals, hours_per_week, weeks, requested_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {COLUMNS}"
        ),
        [
            kernel::ids::new_id().into(),
            tenant.id.into(),
            req.user_id.into(),
            req.course_id.into(),
            req.goals.as_str().into(),
            req.hours_per_week.into(),
            req.weeks.into(),
            by.into(),
        ],
    ))
    .one(&txn)
    .await?
    .ok_or(LmsError::NotFound("course plan"))?;
    jobs::outbox::enqueue_in(&txn, tenant, &GenerateCoursePlan { plan_id: plan.id }).await?;
    txn.commit().await?;
    Ok(plan)
}

/// A plan the viewer may see (403 for a lead of another batch, 404 for none).
pub async fn get<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    viewer: Viewer,
    id: Uuid,
) -> Result<CoursePlan, LmsError> {
    let plan = CoursePlan::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("SELECT {COLUMNS} FROM course_plans WHERE platform_id = $1 AND id = $2"),
        [platform_id.into(), id.into()],
    ))
    .one(conn)
    .await?
    .ok_or(LmsError::NotFound("course plan"))?;
    consoles::enrolment_batch(
        conn,
        platform_id,
        viewer,
        plan.user_id,
        Some(plan.course_id),
    )
    .await?;
    Ok(plan)
}

/// Replaces a ready plan with the viewer's edit (422 on `plan` when it does not satisfy the
/// schema; 409 `course_plan_not_ready` while pending or failed).
pub async fn edit<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    viewer: Viewer,
    by: Uuid,
    id: Uuid,
    plan: &Value,
) -> Result<CoursePlan, LmsError> {
    let current = get(conn, platform_id, viewer, id).await?;
    if current.status != "ready" {
        return Err(LmsError::CoursePlanNotReady);
    }
    integrations::llm::schema::validate(plan, &schema(), "plan")
        .map_err(|e| LmsError::Invalid("plan", e))?;
    CoursePlan::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "UPDATE course_plans SET plan = $3, edited_by = $4, edited_at = now(), updated_at = now()
              WHERE platform_id = $1 AND id = $2 RETURNING {COLUMNS}"
        ),
        [platform_id.into(), id.into(), plan.clone().into(), by.into()],
    ))
    .one(conn)
    .await?
    .ok_or(LmsError::NotFound("course plan"))
}

#[derive(Debug, FromQueryResult)]
struct Outline {
    module: String,
    item: Option<String>,
}

/// Writes a pending plan through the LLM gateway. A provider outage is an error (the job
/// retries); an answer that never satisfied the schema marks the plan `failed`.
pub async fn generate(
    integrations: &Integrations,
    tenant: &Tenant,
    plan_id: Uuid,
) -> Result<(), LmsError> {
    let db = &integrations.ctx.db;
    let plan = CoursePlan::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("SELECT {COLUMNS} FROM course_plans WHERE platform_id = $1 AND id = $2"),
        [tenant.id.into(), plan_id.into()],
    ))
    .one(db)
    .await?;
    let Some(plan) = plan.filter(|p| p.status == "pending") else {
        return Ok(());
    };
    let title: String = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT title FROM courses WHERE platform_id = $1 AND id = $2",
            [tenant.id.into(), plan.course_id.into()],
        ))
        .await?
        .ok_or(LmsError::NotFound("course"))?
        .try_get("", "title")?;
    let outline = Outline::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT m.title AS module, i.title AS item FROM course_modules m
           LEFT JOIN course_items i ON i.module_id = m.id
          WHERE m.course_id = $1 ORDER BY m.position, m.id, i.position, i.id",
        [plan.course_id.into()],
    ))
    .all(db)
    .await?;
    let mut modules: Vec<(String, Vec<String>)> = Vec::new();
    for row in outline {
        if modules.last().is_none_or(|(m, _)| *m != row.module) {
            modules.push((row.module.clone(), Vec::new()));
        }
        if let (Some(item), Some(last)) = (row.item, modules.last_mut()) {
            last.1.push(item);
        }
    }
    let input = json!({
        "course": {
            "title": title,
            "modules": modules.iter().map(|(m, items)| json!({"title": m, "items": items})).collect::<Vec<_>>(),
        },
        "goals": plan.goals,
        "hours_per_week": plan.hours_per_week,
        "weeks": plan.weeks,
        "answer_format": "JSON {weeks: [{week, focus, items, hours}]}",
    });
    let schema = schema();
    match complete::run(
        integrations,
        tenant,
        Agent::CoursePlan,
        &input,
        Some(&schema),
    )
    .await
    {
        Ok(done) => {
            db.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE course_plans SET status = 'ready', plan = $3, provider = $4, model = $5,
                        prompt_version = $6, error = NULL, updated_at = now()
                  WHERE platform_id = $1 AND id = $2 AND status = 'pending'",
                [
                    tenant.id.into(),
                    plan_id.into(),
                    done.output.unwrap_or(Value::Null).into(),
                    done.provider.as_str().into(),
                    done.model.into(),
                    done.prompt_version.into(),
                ],
            ))
            .await?;
            Ok(())
        }
        Err(integrations::error::IntegrationsError::InvalidOutput(reason)) => {
            db.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE course_plans SET status = 'failed', error = left($3, 2000), updated_at = now()
                  WHERE platform_id = $1 AND id = $2 AND status = 'pending'",
                [
                    tenant.id.into(),
                    plan_id.into(),
                    format!("the model's answer did not satisfy the plan's schema: {reason}").into(),
                ],
            ))
            .await?;
            Ok(())
        }
        Err(e) => Err(LmsError::App(e.into())),
    }
}

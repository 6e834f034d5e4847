//! Task reminders: when a lead task is set (by an agent or a workflow step), a
//! `remind-lead-task` job (`notificationQueue`, payload `{task_id}`: ids only) is written to
//! the outbox, delayed until `CRM_TASK_REMINDER_MINUTES` before the task is due. When it runs,
//! a task still open and not yet reminded gets its assignee an in-app notification and an
//! email (comms), once (`lead_tasks.reminded_at`).

use chrono::{DateTime, Duration, Utc};
use comms::{EmailJob, Notice, email::Template};
use kernel::{AppContext, Tenant};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement, TransactionTrait};
use uuid::Uuid;

use crate::{CrmError, settings};

/// Reminds the assignee of a lead task (ids only).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct RemindLeadTask {
    /// The task.
    pub task_id: Uuid,
}

impl jobs::JobSpec for RemindLeadTask {
    const QUEUE: &'static str = "notificationQueue";
    const NAME: &'static str = "remind-lead-task";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// Schedules the reminder of task `task_id` due at `due_at`, inside `txn`.
pub async fn schedule<C: ConnectionTrait>(
    txn: &C,
    tenant: &Tenant,
    task_id: Uuid,
    due_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let before = settings::TASK_REMINDER_MINUTES
        .int_value(txn, tenant.id)
        .await?;
    let at = due_at - Duration::minutes(before);
    let delay = (at - Utc::now()).to_std().unwrap_or_default();
    jobs::outbox::enqueue_delayed_in(txn, tenant, &RemindLeadTask { task_id }, delay).await?;
    Ok(())
}

/// Sends the reminder of `task_id` if it is still due one; `false` when there is nothing to
/// send (done, already reminded, no assignee, not the platform's).
pub async fn remind(ctx: &AppContext, tenant: &Tenant, task_id: Uuid) -> Result<bool, CrmError> {
    let txn = ctx.db.begin().await?;
    let Some(task) = txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE lead_tasks t SET reminded_at = now() FROM users u \
             WHERE t.id = $1 AND t.platform_id = $2 AND t.done_at IS NULL \
               AND t.reminded_at IS NULL AND u.id = t.assignee_id \
             RETURNING t.lead_id, t.assignee_id, t.title, t.due_at, u.email",
            [task_id.into(), tenant.id.into()],
        ))
        .await?
    else {
        return Ok(false);
    };
    let lead_id: Uuid = task.try_get("", "lead_id")?;
    let assignee: Uuid = task.try_get("", "assignee_id")?;
    let title: String = task.try_get("", "title")?;
    let due_at: DateTime<Utc> = task.try_get("", "due_at")?;
    let email: String = task.try_get("", "email")?;
    let due = comms::email::templates::format_time(&due_at.to_rfc3339());
    comms::notify_in(
        &txn,
        tenant,
        Notice {
            user_id: assignee,
            kind: "crm.task_due".into(),
            title: format!("Task due: {}", title.chars().take(150).collect::<String>()),
            body: format!("Due {due}."),
            link: Some(format!("/sales/leads/{lead_id}")),
            data: serde_json::json!({"lead_id": lead_id, "task_id": task_id}),
        },
    )
    .await?;
    comms::email::enqueue_in(
        &txn,
        tenant,
        &EmailJob::new(
            Template::Generic,
            email,
            serde_json::json!({
                "subject": format!("Reminder: {}", title.chars().take(150).collect::<String>()),
                "body": format!("Your follow-up \"{title}\" is due {due}."),
            }),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}

//! Seeded default workflows: on every platform with the `crm` module, a few common sales
//! workflows as **drafts** (nothing runs until an admin reviews and publishes them, since
//! they send under the platform's name with templates it must have approved). Idempotent:
//! a workflow of the same name is left as it is, so an admin's edits survive a restart.

use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};
use serde_json::{Value, json};

/// The defaults: (name, trigger, steps).
pub fn defaults() -> Vec<(&'static str, Value, Value)> {
    vec![
        (
            "Welcome a new lead",
            json!({"event": "lead.created"}),
            json!([
                {"kind": "send_whatsapp", "id": "welcome", "template": "lead_welcome", "language": "en"},
                {"kind": "create_task", "id": "first-call", "title": "First call to the new lead", "due_in_minutes": 15},
            ]),
        ),
        (
            "Still new after a day",
            json!({"event": "time_since", "since": "stage_entered", "stage": "new", "minutes": 1440}),
            json!([
                {"kind": "create_task", "id": "call-again", "title": "Lead untouched for a day: call again", "due_in_minutes": 60},
                {"kind": "branch", "id": "has-email", "condition": {"field": "email", "op": "is_set"}, "else_goto": "end"},
                {"kind": "send_email", "id": "nudge", "subject": "Still thinking it over?", "body": "We would love to help you choose the right course. Reply to this email or book a call with an advisor."},
            ]),
        ),
        (
            "Course interest form",
            json!({"event": "lead.form_submitted", "form": "course-interest", "debounce_minutes": 1440}),
            json!([
                {"kind": "send_whatsapp", "id": "ack", "template": "course_interest_ack", "language": "en"},
                {"kind": "set_stage", "id": "contacted", "stage": "contacted"},
            ]),
        ),
        (
            "Thank a won lead",
            json!({"event": "lead.stage_changed", "stage": "won"}),
            json!([
                {"kind": "send_email", "id": "thanks", "subject": "Welcome aboard", "body": "Thank you for enrolling. Your advisor will share the next steps shortly."},
            ]),
        ),
    ]
}

/// Inserts the defaults missing on each platform with the `crm` module (idempotent).
pub async fn default_workflows<C: ConnectionTrait>(conn: &C) -> Result<u64, DbErr> {
    let platforms = conn
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT id FROM platforms WHERE modules ? 'crm'",
        ))
        .await?;
    let mut inserted = 0;
    for p in platforms {
        let platform_id: uuid::Uuid = p.try_get("", "id")?;
        for (name, trigger, steps) in defaults() {
            let res = conn
                .execute_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "INSERT INTO workflows (id, platform_id, name, trigger, steps) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (platform_id, name) DO NOTHING",
                    [
                        kernel::ids::new_id().into(),
                        platform_id.into(),
                        name.into(),
                        trigger.into(),
                        steps.into(),
                    ],
                ))
                .await?;
            inserted += res.rows_affected();
        }
    }
    Ok(inserted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dto::workflows::{Step, Trigger};

    #[test]
    fn every_default_is_a_valid_workflow() {
        for (name, trigger, steps) in defaults() {
            let trigger: Trigger =
                serde_json::from_value(trigger).unwrap_or_else(|e| panic!("{name}: {e}"));
            let steps: Vec<Step> =
                serde_json::from_value(steps).unwrap_or_else(|e| panic!("{name}: {e}"));
            crate::service::workflows::check_steps(&trigger, &steps)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
}

//! WhatsApp progress nudges: after a successful Graphy run of a config with nudges on, every
//! learner whose progress in a course is below 100% and untouched for the config's
//! `reminder_stale_hours` gets the config's template through comms' `send-whatsapp` job, at
//! most once per `MRLEARN_REMINDER_THROTTLE_HOURS`. The throttle is one statement
//! (`INSERT … ON CONFLICT DO UPDATE … WHERE last_sent_at <= now() - throttle RETURNING`):
//! the row lock makes two concurrent runs claim a learner once, and the job is queued in the
//! same transaction as the claim, so a claimed nudge is sent and a sent one was claimed.

use jobs::JobSpec;
use kernel::Tenant;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement, TransactionTrait};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{entities::sync_configs::SyncConfigRow, sync::ExternalSync};

/// Most learners nudged per run (the rest wait for the next run).
const MAX_PER_RUN: i64 = 1_000;

/// The `send-whatsapp` job as comms reads it (comms owns the handler: `integrations` cannot
/// import comms, which depends on it, so this is a producer of its documented wire shape,
/// like a Node producer; docs/jobs.md). Same secret fields as comms' own type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WhatsAppTemplateJob {
    /// Recipient phone number with country code.
    pub to: String,
    /// The approved template and its parameters.
    pub template: Template,
}

/// A WhatsApp template message (`{name, language, components}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Template {
    /// Approved template name.
    pub name: String,
    /// Language code.
    pub language: String,
    /// The Cloud API's `components` (body parameters).
    pub components: Vec<Value>,
}

impl JobSpec for WhatsAppTemplateJob {
    const QUEUE: &'static str = "whatsappQueue";
    const NAME: &'static str = "send-whatsapp";
    const SECRET_FIELDS: &'static [&'static str] = &["text", "template"];
}

#[derive(Debug, FromQueryResult)]
struct Stale {
    learner_external_id: String,
    learner_name: Option<String>,
    learner_phone: String,
    course_title: Option<String>,
    percent: i32,
}

const STALE: &str = "SELECT DISTINCT ON (e.learner_external_id) e.learner_external_id, \
    e.learner_name, e.learner_phone, e.course_title, p.percent \
    FROM mrlearn_progress p JOIN mrlearn_enrolments e ON e.platform_id = p.platform_id \
      AND e.config_id = p.config_id AND e.learner_external_id = p.learner_external_id \
      AND e.course_external_id = p.course_external_id \
    WHERE p.platform_id = $1 AND p.config_id = $2 AND p.percent < 100 \
      AND (p.last_activity_at IS NULL OR p.last_activity_at < now() - make_interval(hours => $3)) \
      AND e.learner_phone IS NOT NULL AND e.learner_phone <> '' \
      AND NOT EXISTS (SELECT 1 FROM mrlearn_reminders_sent r WHERE r.platform_id = p.platform_id \
        AND r.config_id = p.config_id AND r.learner_external_id = p.learner_external_id \
        AND r.last_sent_at > now() - make_interval(hours => $4)) \
    ORDER BY e.learner_external_id, p.percent, e.course_external_id LIMIT $5";

const CLAIM: &str = "INSERT INTO mrlearn_reminders_sent AS r \
    (platform_id, config_id, learner_external_id, last_sent_at, sends) VALUES ($1, $2, $3, now(), 1) \
    ON CONFLICT (platform_id, config_id, learner_external_id) DO UPDATE \
    SET last_sent_at = now(), sends = r.sends + 1 \
    WHERE r.last_sent_at <= now() - make_interval(hours => $4) RETURNING r.sends";

/// Claims the learner's nudge (false: nudged within the throttle window).
pub async fn claim(
    conn: &impl ConnectionTrait,
    platform_id: Uuid,
    config_id: Uuid,
    learner: &str,
    throttle_hours: i32,
) -> Result<bool, DbErr> {
    let claimed = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            CLAIM,
            [
                platform_id.into(),
                config_id.into(),
                learner.into(),
                throttle_hours.into(),
            ],
        ))
        .await?;
    Ok(claimed.is_some())
}

/// Nudges the config's stale learners; returns how many were queued.
#[tracing::instrument(skip_all, fields(config_id = %row.id), err)]
pub async fn nudge(
    sync: &ExternalSync,
    tenant: &Tenant,
    row: &SyncConfigRow,
) -> Result<u32, DbErr> {
    let Some(template) = row
        .reminder_template
        .as_deref()
        .filter(|_| row.reminders_enabled)
    else {
        return Ok(0);
    };
    let throttle = i32::try_from(sync.config.reminder_throttle_hours).unwrap_or(24);
    let db = &sync.ctx.db;
    let stale = Stale::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        STALE,
        [
            tenant.id.into(),
            row.id.into(),
            row.reminder_stale_hours.into(),
            throttle.into(),
            MAX_PER_RUN.into(),
        ],
    ))
    .all(db)
    .await?;
    let mut queued = 0;
    for learner in stale {
        let txn = db.begin().await?;
        if claim(
            &txn,
            tenant.id,
            row.id,
            &learner.learner_external_id,
            throttle,
        )
        .await?
        {
            let name = learner
                .learner_name
                .clone()
                .unwrap_or_else(|| "there".into());
            let course = learner
                .course_title
                .clone()
                .unwrap_or_else(|| "your course".into());
            let job = WhatsAppTemplateJob {
                to: learner.learner_phone.clone(),
                template: Template {
                    name: template.to_owned(),
                    language: row.reminder_language.clone(),
                    components: vec![json!({"type": "body", "parameters": [
                        {"type": "text", "text": name},
                        {"type": "text", "text": course},
                        {"type": "text", "text": learner.percent.to_string()},
                    ]})],
                },
            };
            jobs::outbox::enqueue_in(&txn, tenant, &job).await?;
            queued += 1;
        }
        txn.commit().await?;
    }
    if queued > 0 {
        sync.jobs.notify_committed();
    }
    tracing::info!(queued, "progress nudges queued");
    Ok(queued)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dashboard_shows_no_message_content() {
        let job = WhatsAppTemplateJob {
            to: "+919876543210".into(),
            template: Template {
                name: "progress_nudge".into(),
                language: "en".into(),
                components: vec![
                    json!({"type": "body", "parameters": [{"type": "text", "text": "Asha Verma"}]}),
                ],
            },
        };
        let shown = jobs::redact::redact_fields(
            &serde_json::to_value(&job).unwrap(),
            WhatsAppTemplateJob::SECRET_FIELDS,
        );
        assert!(!shown.to_string().contains("Asha Verma"), "{shown}");
        assert_eq!(shown["template"], "[redacted]");
    }
}

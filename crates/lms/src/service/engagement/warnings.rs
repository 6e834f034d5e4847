//! Warnings (`warningQueue`, 23:59 IST): the platform's rules (settings `WARN_*`) find the
//! students who missed work that IST day — an assignment due and not handed in, a live class
//! not attended, no activity for `WARN_INACTIVE_DAYS` — and record one warning per student,
//! rule and day. Each student warned gets one notice a day whatever the number of warnings
//! (an in-app notification, and a `warning-notice` job carrying ids only, which sends the
//! email and, when `WARN_WHATSAPP` is on, the WhatsApp message through comms); after
//! `WARN_ESCALATE_AFTER` warnings within `WARN_ESCALATE_WINDOW_DAYS` the batch lead is told,
//! once per student and window. Every notice is claimed by an insert in the transaction that
//! queues it, so reruns and replicas send nothing twice.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use kernel::{AppContext, Tenant};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement, TransactionTrait};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::{cards::ist_bounds, risk::ist_day};
use crate::{error::LmsError, settings};

/// The job that tells a student about their warnings of a day (ids only: the handler reads
/// the address when it sends).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WarningNotice {
    /// The student.
    pub user_id: Uuid,
    /// The IST day of the warnings.
    pub day: NaiveDate,
}

impl jobs::JobSpec for WarningNotice {
    const QUEUE: &'static str = "warningQueue";
    const NAME: &'static str = "warning-notice";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WarningRun {
    /// Warnings recorded.
    pub warnings: u64,
    /// Students noticed.
    pub notices: u64,
    /// Escalations to batch leads.
    pub escalations: u64,
}

#[derive(Debug, FromQueryResult)]
struct Platform {
    id: Uuid,
    slug: String,
    name: String,
}

/// Records the day's warnings of every platform and queues their notices.
pub async fn run(ctx: &AppContext, now: DateTime<Utc>) -> Result<WarningRun, LmsError> {
    let platforms = Platform::find_by_statement(Statement::from_string(
        DbBackend::Postgres,
        "SELECT id, slug, name FROM platforms
          WHERE id IN (SELECT DISTINCT platform_id FROM enrollments WHERE status = 'active')",
    ))
    .all(&ctx.db)
    .await?;
    let mut total = WarningRun::default();
    for p in platforms {
        let tenant = Tenant {
            id: p.id,
            slug: p.slug,
            name: p.name,
            modules: Vec::new(),
        };
        let done = run_platform(ctx, &tenant, now).await?;
        total.warnings += done.warnings;
        total.notices += done.notices;
        total.escalations += done.escalations;
    }
    Ok(total)
}

async fn insert_warnings<C: ConnectionTrait>(
    conn: &C,
    sql: &str,
    values: Vec<sea_orm::Value>,
) -> Result<u64, LmsError> {
    Ok(conn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            values,
        ))
        .await?
        .rows_affected())
}

/// One platform's warnings of the IST day of `now`.
pub async fn run_platform(
    ctx: &AppContext,
    tenant: &Tenant,
    now: DateTime<Utc>,
) -> Result<WarningRun, LmsError> {
    let db = &ctx.db;
    let pid = tenant.id;
    let day = ist_day(now);
    let (start, end) = ist_bounds(now);
    let mut run = WarningRun::default();
    if settings::WARN_MISSED_ASSIGNMENT.bool_value(db, pid).await? {
        run.warnings += insert_warnings(
            db,
            "INSERT INTO student_warnings (id, platform_id, user_id, course_id, rule, subject_id, day, detail)
             SELECT DISTINCT ON (e.user_id) gen_random_uuid(), $1, e.user_id, a.course_id,
                    'missed_assignment', a.id, $2, left('not handed in: ' || a.title, 500)
               FROM enrollments e JOIN assignments a ON a.course_id = e.course_id
              WHERE e.platform_id = $1 AND e.status = 'active'
                AND a.due_at >= $3 AND a.due_at < $4 AND a.due_at <= $5
                AND NOT EXISTS (SELECT 1 FROM assignment_submissions s
                                 WHERE s.assignment_id = a.id AND s.user_id = e.user_id)
              ORDER BY e.user_id, a.due_at
             ON CONFLICT DO NOTHING",
            vec![pid.into(), day.into(), start.into(), end.into(), now.into()],
        )
        .await?;
    }
    if settings::WARN_MISSED_CLASS.bool_value(db, pid).await? {
        run.warnings += insert_warnings(
            db,
            "INSERT INTO student_warnings (id, platform_id, user_id, course_id, rule, subject_id, day, detail)
             SELECT DISTINCT ON (e.user_id) gen_random_uuid(), $1, e.user_id, lc.course_id,
                    'missed_class', lc.id, $2, left('missed: ' || lc.title, 500)
               FROM enrollments e JOIN live_classes lc ON lc.course_id = e.course_id
                    AND (lc.batch_id IS NULL OR lc.batch_id = e.batch_id)
              WHERE e.platform_id = $1 AND e.status = 'active'
                AND lc.starts_at >= $3 AND lc.starts_at < $4 AND lc.ends_at <= $5
                AND lc.ends_at > e.created_at
                AND NOT EXISTS (SELECT 1 FROM live_class_attendance at
                                 WHERE at.live_class_id = lc.id AND at.user_id = e.user_id)
              ORDER BY e.user_id, lc.starts_at
             ON CONFLICT DO NOTHING",
            vec![pid.into(), day.into(), start.into(), end.into(), now.into()],
        )
        .await?;
    }
    let inactive_days = settings::WARN_INACTIVE_DAYS.int_value(db, pid).await?;
    if inactive_days > 0 {
        let since = now - Duration::days(inactive_days);
        run.warnings += insert_warnings(
            db,
            "INSERT INTO student_warnings (id, platform_id, user_id, rule, day, detail)
             SELECT gen_random_uuid(), $1, e.user_id, 'inactive', $2, $4
               FROM (SELECT user_id, min(created_at) AS since FROM enrollments
                      WHERE platform_id = $1 AND status = 'active' GROUP BY user_id) e
              WHERE e.since <= $3
                AND NOT EXISTS (SELECT 1 FROM item_progress p WHERE p.platform_id = $1 AND p.user_id = e.user_id AND p.completed_at > $3)
                AND NOT EXISTS (SELECT 1 FROM quiz_attempts q WHERE q.platform_id = $1 AND q.user_id = e.user_id AND q.started_at > $3)
                AND NOT EXISTS (SELECT 1 FROM assignment_submissions s WHERE s.platform_id = $1 AND s.user_id = e.user_id AND s.submitted_at > $3)
                AND NOT EXISTS (SELECT 1 FROM live_class_attendance a WHERE a.platform_id = $1 AND a.user_id = e.user_id AND a.joined_at > $3)
                AND NOT EXISTS (SELECT 1 FROM student_warnings w WHERE w.platform_id = $1 AND w.user_id = e.user_id
                                   AND w.rule = 'inactive' AND w.created_at > $3)
             ON CONFLICT DO NOTHING",
            vec![
                pid.into(),
                day.into(),
                since.into(),
                format!("no activity for {inactive_days} days").into(),
            ],
        )
        .await?;
    }
    let after = settings::WARN_ESCALATE_AFTER.int_value(db, pid).await?;
    let window = settings::WARN_ESCALATE_WINDOW_DAYS
        .int_value(db, pid)
        .await?;
    let warned = db
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT w.user_id, count(*) FILTER (WHERE w.day = $2)::bigint AS today,
                    count(*)::bigint AS in_window,
                    string_agg(w.detail, '; ' ORDER BY w.created_at) FILTER (WHERE w.day = $2) AS details
               FROM student_warnings w
              WHERE w.platform_id = $1 AND w.day > $3 AND w.day <= $2
              GROUP BY w.user_id HAVING count(*) FILTER (WHERE w.day = $2) > 0",
            [pid.into(), day.into(), (day - Duration::days(window)).into()],
        ))
        .await?;
    for row in warned {
        let user_id: Uuid = row.try_get("", "user_id")?;
        let today: i64 = row.try_get("", "today")?;
        let in_window: i64 = row.try_get("", "in_window")?;
        let details: Option<String> = row.try_get("", "details")?;
        let txn = db.begin().await?;
        let fresh = txn
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "INSERT INTO warning_notices (platform_id, user_id, kind, period, warnings)
                 VALUES ($1, $2, 'student', $3, $4) ON CONFLICT DO NOTHING",
                [
                    pid.into(),
                    user_id.into(),
                    day.into(),
                    i32::try_from(today).unwrap_or(0).into(),
                ],
            ))
            .await?
            .rows_affected()
            == 1;
        if fresh {
            comms::notify_in(
                &txn,
                tenant,
                comms::Notice {
                    user_id,
                    kind: "engagement.warning".into(),
                    title: "You missed something today".into(),
                    body: details.clone().unwrap_or_default(),
                    link: Some("/student/dashboard".into()),
                    data: json!({"day": day, "warnings": today}),
                },
            )
            .await?;
            jobs::outbox::enqueue_in(&txn, tenant, &WarningNotice { user_id, day }).await?;
            run.notices += 1;
        }
        if in_window >= after {
            let escalate = txn
                .execute_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "INSERT INTO warning_notices (platform_id, user_id, kind, period, warnings)
                     SELECT $1, $2, 'escalation', $3, $4
                      WHERE NOT EXISTS (SELECT 1 FROM warning_notices n
                                         WHERE n.platform_id = $1 AND n.user_id = $2 AND n.kind = 'escalation'
                                           AND n.period > $5)
                     ON CONFLICT DO NOTHING",
                    [
                        pid.into(),
                        user_id.into(),
                        day.into(),
                        i32::try_from(in_window).unwrap_or(0).into(),
                        (day - Duration::days(window)).into(),
                    ],
                ))
                .await?
                .rows_affected()
                == 1;
            if escalate {
                let leads = txn
                    .query_all_raw(Statement::from_sql_and_values(
                        DbBackend::Postgres,
                        "SELECT DISTINCT b.batch_lead_id, u.full_name FROM enrollments e
                           JOIN batches b ON b.id = e.batch_id JOIN users u ON u.id = e.user_id
                          WHERE e.platform_id = $1 AND e.user_id = $2 AND e.status = 'active'
                            AND b.batch_lead_id IS NOT NULL",
                        [pid.into(), user_id.into()],
                    ))
                    .await?;
                for lead in leads {
                    let lead_id: Uuid = lead.try_get("", "batch_lead_id")?;
                    let name: String = lead.try_get("", "full_name")?;
                    comms::notify_in(
                        &txn,
                        tenant,
                        comms::Notice {
                            user_id: lead_id,
                            kind: "engagement.warning_escalation".into(),
                            title: "A student of your batch keeps missing work".into(),
                            body: format!("{name} has {in_window} warnings in {window} days."),
                            link: Some(format!("/batchlead/students/{user_id}")),
                            data: json!({"student_id": user_id, "warnings": in_window}),
                        },
                    )
                    .await?;
                }
                run.escalations += 1;
            }
        }
        txn.commit().await?;
    }
    Ok(run)
}

/// Sends a student's warning notice of a day: an email (the `generic` template) and, when
/// `WARN_WHATSAPP` is on and the student has a phone number, a WhatsApp text, both through
/// comms' queues. The address is read here, not carried by the job.
pub async fn send_notice(
    ctx: &AppContext,
    tenant: &Tenant,
    notice: &WarningNotice,
) -> Result<(), LmsError> {
    let db = &ctx.db;
    let Some(user) = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT u.email, u.phone, u.full_name,
                    (SELECT string_agg(w.detail, '\n' ORDER BY w.created_at) FROM student_warnings w
                      WHERE w.platform_id = $1 AND w.user_id = $2 AND w.day = $3) AS details
               FROM users u WHERE u.platform_id = $1 AND u.id = $2 AND u.status = 'active'",
            [tenant.id.into(), notice.user_id.into(), notice.day.into()],
        ))
        .await?
    else {
        return Ok(());
    };
    let email: String = user.try_get("", "email")?;
    let phone: Option<String> = user.try_get("", "phone")?;
    let name: String = user.try_get("", "full_name")?;
    let details: Option<String> = user.try_get("", "details")?;
    let body = format!(
        "Today you missed:\n{}\n\nCatch up tomorrow to keep your streak.",
        details.unwrap_or_default()
    );
    let txn = db.begin().await?;
    comms::email::enqueue_in(
        &txn,
        tenant,
        &comms::email::EmailJob::new(
            comms::email::Template::Generic,
            email,
            json!({
                "name": name,
                "subject": "You missed something today",
                "body": body,
                "cta_url": format!("{}/student/dashboard", ctx.config.public_base_url),
                "cta_label": "Open your dashboard",
            }),
        ),
    )
    .await?;
    if let Some(phone) = phone
        && settings::WARN_WHATSAPP.bool_value(&txn, tenant.id).await?
    {
        jobs::outbox::enqueue_in(
            &txn,
            tenant,
            &comms::whatsapp::WhatsAppJob {
                message_id: None,
                to: phone,
                text: Some(body),
                template: None,
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

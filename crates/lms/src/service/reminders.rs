//! Assignment reminders (`assignmentReminderQueue`, daily at 19:00 IST): every active
//! student of a course with an assignment due tomorrow (the IST calendar day) who has not
//! handed it in gets an email and an in-app notification — at most once per assignment and
//! student: the `assignment_reminders` row is inserted `ON CONFLICT DO NOTHING` in the same
//! transaction that queues both through the outbox, so a re-run (or a second replica) sends
//! nothing twice.

use chrono::{DateTime, Days, FixedOffset, NaiveTime, Offset, TimeZone, Utc};
use comms::email::{EmailJob, Template};
use kernel::{AppContext, Tenant};
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
use serde_json::json;
use uuid::Uuid;

use crate::error::LmsError;

/// The daily reminder run (`assignmentReminderQueue`, `assignment-reminders`).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct AssignmentReminders {}

impl jobs::JobSpec for AssignmentReminders {
    const QUEUE: &'static str = "assignmentReminderQueue";
    const NAME: &'static str = "assignment-reminders";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// India Standard Time (no daylight saving).
fn ist() -> FixedOffset {
    FixedOffset::east_opt(5 * 3600 + 30 * 60).unwrap_or_else(|| Utc.fix())
}

/// Tomorrow's IST calendar day as of `now`, as a UTC range `[start, end)`.
pub fn tomorrow_ist(now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let zone = ist();
    let today = now.with_timezone(&zone).date_naive();
    let day = |d: chrono::NaiveDate| {
        zone.from_local_datetime(&d.and_time(NaiveTime::MIN))
            .single()
            .map_or(now, |t| t.with_timezone(&Utc))
    };
    let tomorrow = today + Days::new(1);
    (day(tomorrow), day(tomorrow + Days::new(1)))
}

/// One reminder to send.
struct Due {
    assignment_id: Uuid,
    title: String,
    due_at: DateTime<Utc>,
    course_id: Uuid,
    course_title: String,
    user_id: Uuid,
    email: String,
    full_name: String,
    tenant: Tenant,
}

async fn candidates<C: ConnectionTrait>(
    conn: &C,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Due>, LmsError> {
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT a.id AS assignment_id, a.title, a.due_at, a.course_id, c.title AS course_title,
                    u.id AS user_id, u.email, u.full_name,
                    p.id AS platform_id, p.slug, p.name, p.modules
               FROM assignments a
               JOIN courses c ON c.id = a.course_id
               JOIN enrollments e ON e.course_id = a.course_id AND e.platform_id = a.platform_id
                                 AND e.status = 'active'
               JOIN users u ON u.id = e.user_id AND u.status = 'active'
               JOIN platforms p ON p.id = a.platform_id
              WHERE a.due_at >= $1 AND a.due_at < $2
                AND NOT EXISTS (SELECT 1 FROM assignment_submissions s
                                 WHERE s.assignment_id = a.id AND s.user_id = u.id)
                AND NOT EXISTS (SELECT 1 FROM assignment_reminders r
                                 WHERE r.assignment_id = a.id AND r.user_id = u.id)
              ORDER BY a.due_at, a.id, u.id",
            [from.into(), to.into()],
        ))
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let modules: serde_json::Value = r.try_get("", "modules")?;
        out.push(Due {
            assignment_id: r.try_get("", "assignment_id")?,
            title: r.try_get("", "title")?,
            due_at: r.try_get("", "due_at")?,
            course_id: r.try_get("", "course_id")?,
            course_title: r.try_get("", "course_title")?,
            user_id: r.try_get("", "user_id")?,
            email: r.try_get("", "email")?,
            full_name: r.try_get("", "full_name")?,
            tenant: Tenant {
                id: r.try_get("", "platform_id")?,
                slug: r.try_get("", "slug")?,
                name: r.try_get("", "name")?,
                modules: serde_json::from_value(modules).unwrap_or_default(),
            },
        });
    }
    Ok(out)
}

/// Sends the reminders due as of `now`; answers how many (assignment, student) pairs were
/// reminded by this run.
pub async fn send_due(ctx: &AppContext, now: DateTime<Utc>) -> Result<usize, LmsError> {
    let (from, to) = tomorrow_ist(now);
    let mut sent = 0;
    for d in candidates(&ctx.db, from, to).await? {
        let txn = ctx.db.begin().await?;
        let fresh = txn
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "INSERT INTO assignment_reminders (assignment_id, user_id, platform_id)
                 VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                [d.assignment_id.into(), d.user_id.into(), d.tenant.id.into()],
            ))
            .await?
            .rows_affected()
            == 1;
        if !fresh {
            continue;
        }
        let due = d
            .due_at
            .with_timezone(&ist())
            .format("%a %d %b %Y, %H:%M IST");
        let link = format!("/student/courses/{}/assignments", d.course_id);
        comms::email::enqueue_in(
            &txn,
            &d.tenant,
            &EmailJob::new(
                Template::Generic,
                &d.email,
                json!({
                    "name": d.full_name,
                    "subject": format!("Reminder: \"{}\" is due tomorrow", d.title),
                    "body": format!(
                        "Your assignment \"{}\" of {} is due {due}.\n\nYou have not handed it in yet.",
                        d.title, d.course_title
                    ),
                    "cta_url": format!("{}{link}", ctx.config.public_base_url),
                    "cta_label": "Open the assignment",
                }),
            ),
        )
        .await?;
        comms::notify_in(
            &txn,
            &d.tenant,
            comms::Notice {
                user_id: d.user_id,
                kind: "assignment.due_tomorrow".into(),
                title: format!("\"{}\" is due tomorrow", d.title),
                body: format!("Due {due}. You have not handed it in yet."),
                link: Some(link),
                data: json!({"assignment_id": d.assignment_id, "course_id": d.course_id, "due_at": d.due_at}),
            },
        )
        .await?;
        txn.commit().await?;
        sent += 1;
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tomorrow_is_the_next_ist_calendar_day() {
        // 19:00 IST on 3 Dec = 13:30 UTC
        let now = Utc.with_ymd_and_hms(2026, 12, 3, 13, 30, 0).single();
        let (from, to) = tomorrow_ist(now.unwrap_or_default());
        assert_eq!(from.to_rfc3339(), "2026-12-03T18:30:00+00:00");
        assert_eq!(to.to_rfc3339(), "2026-12-04T18:30:00+00:00");
        // 01:00 IST on 4 Dec is still 3 Dec in UTC: tomorrow is 5 Dec IST
        let late = Utc.with_ymd_and_hms(2026, 12, 3, 19, 30, 0).single();
        let (from, _) = tomorrow_ist(late.unwrap_or_default());
        assert_eq!(from.to_rfc3339(), "2026-12-04T18:30:00+00:00");
    }
}

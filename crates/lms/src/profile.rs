//! The `enrollments` section of the student profile for AI agents (`integrations::profile`):
//! the user's active courses with their progress, in two statements.

use chrono::{DateTime, Utc};
use integrations::{
    dto::profile::{CourseProgress, EnrollmentsSection},
    profile::{ProfileSection, SectionFuture, Subject},
};
use kernel::AppError;
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};
use uuid::Uuid;

/// The section (registered by the gateway).
#[derive(Debug, Clone, Copy, Default)]
pub struct EnrollmentsProfile;

#[derive(Debug, FromQueryResult)]
struct Row {
    course_id: Uuid,
    title: String,
    level: String,
    batch: Option<String>,
    enrolled_at: DateTime<Utc>,
    items_completed: i64,
    items_total: i64,
}

#[derive(Debug, FromQueryResult)]
struct Totals {
    active: i64,
    items_completed: i64,
    last_activity_at: Option<DateTime<Utc>>,
}

/// The user's enrolments on the platform.
pub async fn section(
    conn: &impl ConnectionTrait,
    platform_id: Uuid,
    user_id: Uuid,
) -> Result<EnrollmentsSection, sea_orm::DbErr> {
    let rows = Row::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT c.id AS course_id, c.title, c.level, b.name AS batch, e.created_at AS enrolled_at,
                (SELECT count(*) FROM item_progress p WHERE p.enrollment_id = e.id)::bigint AS items_completed,
                (SELECT count(*) FROM course_items i WHERE i.course_id = c.id)::bigint AS items_total
           FROM enrollments e
           JOIN courses c ON c.id = e.course_id
           LEFT JOIN batches b ON b.id = e.batch_id
          WHERE e.platform_id = $1 AND e.user_id = $2 AND e.status = 'active'
          ORDER BY e.created_at DESC, e.id LIMIT 50",
        [platform_id.into(), user_id.into()],
    ))
    .all(conn)
    .await?;
    let totals = Totals::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT (SELECT count(*) FROM enrollments
                  WHERE platform_id = $1 AND user_id = $2 AND status = 'active')::bigint AS active,
                count(p.*)::bigint AS items_completed, max(p.completed_at) AS last_activity_at
           FROM item_progress p WHERE p.platform_id = $1 AND p.user_id = $2",
        [platform_id.into(), user_id.into()],
    ))
    .one(conn)
    .await?;
    let (active, items_completed, last_activity_at) = totals
        .map(|t| (t.active, t.items_completed, t.last_activity_at))
        .unwrap_or_default();
    Ok(EnrollmentsSection {
        courses: rows
            .into_iter()
            .map(|r| CourseProgress {
                course_id: r.course_id,
                title: r.title,
                level: r.level,
                batch: r.batch,
                enrolled_at: r.enrolled_at,
                items_completed: r.items_completed,
                items_total: r.items_total,
            })
            .collect(),
        active,
        items_completed,
        last_activity_at,
    })
}

impl ProfileSection for EnrollmentsProfile {
    fn name(&self) -> &'static str {
        "enrollments"
    }

    fn load<'a>(&'a self, subject: Subject<'a>) -> SectionFuture<'a> {
        Box::pin(async move {
            let found = section(subject.db, subject.tenant.id, subject.user_id).await?;
            let value = serde_json::to_value(found).map_err(|e| AppError::Unexpected(e.into()))?;
            Ok::<_, AppError>(Some(value))
        })
    }
}

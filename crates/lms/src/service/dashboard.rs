//! The student dashboard: enrolments with progress, and what is next — a constant number of
//! statements whatever the number of enrolments, attempts or submissions (each part is one
//! statement over the student's rows).

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};
use uuid::Uuid;

use crate::{
    dto::{
        dashboard::{Dashboard, DashboardCourse},
        enrollments::Progress,
    },
    error::LmsError,
};

#[derive(Debug, FromQueryResult)]
struct CourseRow {
    enrollment_id: Uuid,
    course_id: Uuid,
    title: String,
    slug: String,
    batch: Option<String>,
    enrolled_at: DateTime<Utc>,
    done: i64,
    total: i64,
}

/// The dashboard of `user_id` on the platform.
pub async fn load<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
) -> Result<Dashboard, LmsError> {
    let rows = CourseRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT e.id AS enrollment_id, c.id AS course_id, c.title, c.slug, b.name AS batch,
                e.created_at AS enrolled_at,
                (SELECT count(*) FROM item_progress p WHERE p.enrollment_id = e.id)::bigint AS done,
                (SELECT count(*) FROM course_items i WHERE i.course_id = c.id)::bigint AS total
           FROM enrollments e
           JOIN courses c ON c.id = e.course_id
           LEFT JOIN batches b ON b.id = e.batch_id
          WHERE e.platform_id = $1 AND e.user_id = $2 AND e.status = 'active'
          ORDER BY e.created_at DESC, e.id",
        [platform_id.into(), user_id.into()],
    ))
    .all(conn)
    .await?;
    let (done, total) = rows
        .iter()
        .fold((0, 0), |(d, t), r| (d + r.done.min(r.total), t + r.total));
    Ok(Dashboard {
        enrollments: rows
            .into_iter()
            .map(|r| DashboardCourse {
                enrollment_id: r.enrollment_id,
                course_id: r.course_id,
                title: r.title,
                slug: r.slug,
                batch: r.batch,
                progress: Progress::of(r.done, r.total),
                enrolled_at: r.enrolled_at,
            })
            .collect(),
        progress: Progress::of(done, total),
        xp: 0,
        streak: 0,
    })
}

//! The student dashboard: enrolments with progress, and what is next — a constant number of
//! statements whatever the number of enrolments, attempts or submissions (each part is one
//! statement over the student's rows).

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};
use uuid::Uuid;

use crate::{
    dto::{
        dashboard::{Dashboard, DashboardCourse, PendingAssignment, PendingQuiz, UpcomingClass},
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
    let upcoming_classes = UpcomingClass::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT lc.id, lc.course_id, c.title AS course_title, lc.title, lc.starts_at, lc.ends_at
           FROM enrollments e
           JOIN live_classes lc ON lc.course_id = e.course_id
                               AND (lc.batch_id IS NULL OR lc.batch_id = e.batch_id)
           JOIN courses c ON c.id = e.course_id
          WHERE e.platform_id = $1 AND e.user_id = $2 AND e.status = 'active'
            AND lc.ends_at > now()
          ORDER BY lc.starts_at, lc.id LIMIT 10",
        [platform_id.into(), user_id.into()],
    ))
    .all(conn)
    .await?;
    let pending_assignments = PendingAssignment::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT a.id, a.course_id, c.title AS course_title, a.title, a.due_at,
                (a.due_at < now()) AS overdue
           FROM enrollments e
           JOIN assignments a ON a.course_id = e.course_id
           JOIN courses c ON c.id = e.course_id
          WHERE e.platform_id = $1 AND e.user_id = $2 AND e.status = 'active'
            AND (a.reject_after IS NULL OR a.reject_after > now())
            AND NOT EXISTS (SELECT 1 FROM assignment_submissions s
                             WHERE s.assignment_id = a.id AND s.user_id = $2
                               AND s.status <> 'superseded')
          ORDER BY a.due_at, a.id LIMIT 20",
        [platform_id.into(), user_id.into()],
    ))
    .all(conn)
    .await?;
    let pending_quizzes = PendingQuiz::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT q.id, q.course_id, c.title AS course_title, q.title, q.closes_at,
                (count(a.id) FILTER (WHERE a.status <> 'in_progress'))::bigint AS attempts_used,
                (q.max_attempts + coalesce(max(la.extra_attempts), 0))::bigint AS attempts_allowed,
                coalesce(bool_or(a.status = 'in_progress'), false) AS in_progress,
                max(100.0 * a.score / nullif(a.max_score, 0)) AS best_percent
           FROM enrollments e
           JOIN quizzes q ON q.course_id = e.course_id
           JOIN courses c ON c.id = e.course_id
           LEFT JOIN quiz_attempts a ON a.quiz_id = q.id AND a.user_id = $2
           LEFT JOIN learner_accommodations la ON la.user_id = $2 AND la.platform_id = $1
          WHERE e.platform_id = $1 AND e.user_id = $2 AND e.status = 'active'
            AND (q.closes_at IS NULL OR q.closes_at > now())
          GROUP BY q.id, c.title
         HAVING NOT coalesce(bool_or(a.passed), false)
            AND (count(a.id) FILTER (WHERE a.status <> 'in_progress') < q.max_attempts + coalesce(max(la.extra_attempts), 0)
                 OR coalesce(bool_or(a.status = 'in_progress'), false))
          ORDER BY q.closes_at NULLS LAST, q.created_at, q.id LIMIT 20",
        [platform_id.into(), user_id.into()],
    ))
    .all(conn)
    .await?;
    let (xp, streak) =
        super::engagement::ledger::xp_and_streak(conn, platform_id, user_id, Utc::now()).await?;
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
        upcoming_classes,
        pending_quizzes,
        pending_assignments,
        xp,
        streak,
    })
}

//! Read-only figures other crates need about a learner (Mr. Hire's placement score): graded
//! projects (assignments) and whether a batch lead leads one of the learner's batches. No
//! writes, no routes.

use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use uuid::Uuid;

/// The learner's graded assignments: how many, and the mean of each one's latest graded
/// score as a percent of its maximum points.
#[derive(Debug, Clone, Copy, Default, PartialEq, FromQueryResult)]
pub struct Projects {
    /// Assignments graded.
    pub graded: i64,
    /// Mean percent (none without a graded one).
    pub average_percent: Option<f64>,
}

/// [`Projects`] of `user_id` on the platform.
pub async fn projects(
    conn: &impl ConnectionTrait,
    platform_id: Uuid,
    user_id: Uuid,
) -> Result<Projects, DbErr> {
    Ok(Projects::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT count(*)::bigint AS graded, avg(pct)::float8 AS average_percent FROM (
             SELECT DISTINCT ON (s.assignment_id)
                    100.0 * s.final_score / nullif(a.max_points, 0) AS pct
               FROM assignment_submissions s
               JOIN assignments a ON a.id = s.assignment_id
              WHERE s.platform_id = $1 AND s.user_id = $2 AND s.status = 'graded'
                AND s.final_score IS NOT NULL
              ORDER BY s.assignment_id, s.version DESC) latest",
        [platform_id.into(), user_id.into()],
    ))
    .one(conn)
    .await?
    .unwrap_or_default())
}

/// Whether `lead_id` leads a batch `student_id` is actively enrolled in on the platform.
pub async fn leads_student(
    conn: &impl ConnectionTrait,
    platform_id: Uuid,
    lead_id: Uuid,
    student_id: Uuid,
) -> Result<bool, DbErr> {
    Ok(conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 AS ok FROM enrollments e JOIN batches b ON b.id = e.batch_id
              WHERE e.platform_id = $1 AND e.user_id = $2 AND e.status = 'active'
                AND b.batch_lead_id = $3
              LIMIT 1",
            [platform_id.into(), student_id.into(), lead_id.into()],
        ))
        .await?
        .is_some())
}

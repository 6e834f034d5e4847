//! The facts that earn XP, read from the LMS's own tables. An event handler and the daily
//! safety net both take a fact's time from here (a quiz's first passing attempt, an
//! assignment's first on-time hand-in), so a fact has the same time whichever found it and
//! in whatever order its events arrived.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use uuid::Uuid;

use super::xp::{XpFact, XpKind};
use crate::error::LmsError;

/// The SELECT of every fact of the platform `$1` the LMS's tables hold, as
/// `(user_id, source_kind, source_id, course_id, occurred_at)`.
pub const ALL_FACTS: &str = "
    SELECT p.user_id, 'lesson_completed' AS source_kind, p.item_id AS source_id, p.course_id,
           p.completed_at AS occurred_at
      FROM item_progress p WHERE p.platform_id = $1
    UNION ALL
    SELECT a.user_id, 'quiz_passed', a.quiz_id, q.course_id, min(a.submitted_at)
      FROM quiz_attempts a JOIN quizzes q ON q.id = a.quiz_id
     WHERE a.platform_id = $1 AND a.passed AND a.user_id IS NOT NULL
     GROUP BY a.user_id, a.quiz_id, q.course_id
    UNION ALL
    SELECT s.user_id, 'assignment_on_time', s.assignment_id, asg.course_id, min(s.submitted_at)
      FROM assignment_submissions s JOIN assignments asg ON asg.id = s.assignment_id
     WHERE s.platform_id = $1 AND NOT s.late
     GROUP BY s.user_id, s.assignment_id, asg.course_id
    UNION ALL
    SELECT at.user_id, 'class_attended', at.live_class_id, lc.course_id, at.joined_at
      FROM live_class_attendance at JOIN live_classes lc ON lc.id = at.live_class_id
     WHERE at.platform_id = $1";

async fn first_time<C: ConnectionTrait>(
    conn: &C,
    sql: &str,
    platform_id: Uuid,
    user_id: Uuid,
    source_id: Uuid,
) -> Result<Option<(DateTime<Utc>, Option<Uuid>)>, LmsError> {
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            [platform_id.into(), user_id.into(), source_id.into()],
        ))
        .await?;
    let Some(row) = row else { return Ok(None) };
    let at: Option<DateTime<Utc>> = row.try_get("", "at")?;
    let course: Option<Uuid> = row.try_get("", "course_id")?;
    Ok(at.map(|at| (at, course)))
}

/// The fact "passed quiz `quiz_id`", at its first passing attempt (none if never passed).
pub async fn quiz_passed<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
    quiz_id: Uuid,
) -> Result<Option<XpFact>, LmsError> {
    let found = first_time(
        conn,
        "SELECT min(a.submitted_at) AS at, q.course_id
           FROM quiz_attempts a JOIN quizzes q ON q.id = a.quiz_id
          WHERE a.platform_id = $1 AND a.user_id = $2 AND a.quiz_id = $3 AND a.passed
          GROUP BY q.course_id",
        platform_id,
        user_id,
        quiz_id,
    )
    .await?;
    Ok(found.map(|(occurred_at, course_id)| XpFact {
        user_id,
        kind: XpKind::QuizPassed,
        source_id: quiz_id,
        course_id,
        occurred_at,
    }))
}

/// The fact "handed assignment `assignment_id` in on time", at the first on-time hand-in.
pub async fn assignment_on_time<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
    assignment_id: Uuid,
) -> Result<Option<XpFact>, LmsError> {
    let found = first_time(
        conn,
        "SELECT min(s.submitted_at) AS at, asg.course_id
           FROM assignment_submissions s JOIN assignments asg ON asg.id = s.assignment_id
          WHERE s.platform_id = $1 AND s.user_id = $2 AND s.assignment_id = $3 AND NOT s.late
          GROUP BY asg.course_id",
        platform_id,
        user_id,
        assignment_id,
    )
    .await?;
    Ok(found.map(|(occurred_at, course_id)| XpFact {
        user_id,
        kind: XpKind::AssignmentOnTime,
        source_id: assignment_id,
        course_id,
        occurred_at,
    }))
}

//! The LMS's sections of the student profile for AI agents (`integrations::profile`):
//! `enrollments` (the user's active courses with their progress, in two statements) and
//! `quizzes` (attempts, quizzes passed, mean score, in one).

use chrono::{DateTime, Utc};
use integrations::{
    dto::profile::{CourseProgress, EnrollmentsSection, QuizzesSection},
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

/// The `quizzes` section (registered by the gateway).
#[derive(Debug, Clone, Copy, Default)]
pub struct QuizzesProfile;

#[derive(Debug, FromQueryResult)]
struct QuizTotals {
    attempts: i64,
    quizzes: i64,
    passed: i64,
    average_percent: Option<f64>,
    last_attempt_at: Option<DateTime<Utc>>,
}

/// The user's finished quiz attempts on the platform.
pub async fn quizzes_section(
    conn: &impl ConnectionTrait,
    platform_id: Uuid,
    user_id: Uuid,
) -> Result<QuizzesSection, sea_orm::DbErr> {
    let t = QuizTotals::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT count(*)::bigint AS attempts, count(DISTINCT quiz_id)::bigint AS quizzes,
                count(DISTINCT quiz_id) FILTER (WHERE passed)::bigint AS passed,
                avg(100.0 * score / nullif(max_score, 0))::float8 AS average_percent,
                max(submitted_at) AS last_attempt_at
           FROM quiz_attempts
          WHERE platform_id = $1 AND user_id = $2 AND status <> 'in_progress'",
        [platform_id.into(), user_id.into()],
    ))
    .one(conn)
    .await?;
    Ok(t.map(|t| QuizzesSection {
        attempts: t.attempts,
        quizzes: t.quizzes,
        passed: t.passed,
        average_percent: t.average_percent,
        last_attempt_at: t.last_attempt_at,
    })
    .unwrap_or_default())
}

impl ProfileSection for QuizzesProfile {
    fn name(&self) -> &'static str {
        "quizzes"
    }

    fn load<'a>(&'a self, subject: Subject<'a>) -> SectionFuture<'a> {
        Box::pin(async move {
            let found = quizzes_section(subject.db, subject.tenant.id, subject.user_id).await?;
            let value = serde_json::to_value(found).map_err(|e| AppError::Unexpected(e.into()))?;
            Ok::<_, AppError>(Some(value))
        })
    }
}

/// The `engagement` section: XP, level, streak (in the student's zone) and badges
/// (registered by the gateway).
#[derive(Debug, Clone, Copy, Default)]
pub struct EngagementProfile;

impl ProfileSection for EngagementProfile {
    fn name(&self) -> &'static str {
        "engagement"
    }

    fn load<'a>(&'a self, subject: Subject<'a>) -> SectionFuture<'a> {
        Box::pin(async move {
            let found = crate::service::engagement::summary(
                subject.db,
                subject.tenant.id,
                subject.user_id,
                Utc::now(),
            )
            .await
            .map_err(AppError::from)?;
            let value = serde_json::to_value(found).map_err(|e| AppError::Unexpected(e.into()))?;
            Ok::<_, AppError>(Some(value))
        })
    }
}

/// The `risk` section: the latest risk score of each of the user's enrolments, with its parts
/// explained and the score a week before (registered by the gateway).
#[derive(Debug, Clone, Copy, Default)]
pub struct RiskProfile;

impl ProfileSection for RiskProfile {
    fn name(&self) -> &'static str {
        "risk"
    }

    fn load<'a>(&'a self, subject: Subject<'a>) -> SectionFuture<'a> {
        Box::pin(async move {
            let rows = subject
                .db
                .query_all_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT DISTINCT ON (r.course_id) r.course_id, c.title AS course_title, r.day,
                            r.score, r.parts,
                            (SELECT p.score FROM student_risk_scores p
                              WHERE p.platform_id = r.platform_id AND p.user_id = r.user_id
                                AND p.course_id = r.course_id AND p.day <= r.day - 7
                              ORDER BY p.day DESC LIMIT 1) AS week_before
                       FROM student_risk_scores r JOIN courses c ON c.id = r.course_id
                      WHERE r.platform_id = $1 AND r.user_id = $2
                      ORDER BY r.course_id, r.day DESC",
                    [subject.tenant.id.into(), subject.user_id.into()],
                ))
                .await?;
            let mut courses = Vec::with_capacity(rows.len());
            for r in rows {
                let score: i32 = r.try_get("", "score")?;
                let week_before: Option<i32> = r.try_get("", "week_before")?;
                courses.push(serde_json::json!({
                    "course_id": r.try_get::<Uuid>("", "course_id")?,
                    "course_title": r.try_get::<String>("", "course_title")?,
                    "day": r.try_get::<chrono::NaiveDate>("", "day")?,
                    "score": score,
                    "trend": week_before.map(|w| score - w),
                    "parts": r.try_get::<serde_json::Value>("", "parts")?,
                }));
            }
            Ok::<_, AppError>(Some(serde_json::json!({ "courses": courses })))
        })
    }
}

//! Reads of the XP ledger (totals, the instants streaks are computed from, the student's
//! zone) and the per-user lock that serialises a user's awards and badge evaluation.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};
use uuid::Uuid;

use crate::error::LmsError;

/// Takes the per-user lock that serialises awards and badge evaluation (released at commit).
pub async fn lock_user<C: ConnectionTrait>(conn: &C, user_id: Uuid) -> Result<(), LmsError> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_advisory_xact_lock(hashtextextended('lms.xp:' || $1::text, 0))",
        [user_id.into()],
    ))
    .await?;
    Ok(())
}

/// A student's totals from the ledger.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, FromQueryResult)]
pub struct Totals {
    /// Sum of points.
    pub xp: i64,
    /// Lessons completed.
    pub lessons_completed: i64,
    /// Quizzes passed.
    pub quizzes_passed: i64,
    /// Assignments handed in on time.
    pub assignments_on_time: i64,
    /// Classes attended.
    pub classes_attended: i64,
    /// Mentorship sessions held.
    pub mentorship_sessions: i64,
}

/// The user's totals (one statement).
pub async fn totals<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
) -> Result<Totals, LmsError> {
    Ok(Totals::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT coalesce(sum(points), 0)::bigint AS xp,
                (count(*) FILTER (WHERE source_kind = 'lesson_completed'))::bigint AS lessons_completed,
                (count(*) FILTER (WHERE source_kind = 'quiz_passed'))::bigint AS quizzes_passed,
                (count(*) FILTER (WHERE source_kind = 'assignment_on_time'))::bigint AS assignments_on_time,
                (count(*) FILTER (WHERE source_kind = 'class_attended'))::bigint AS classes_attended,
                (count(*) FILTER (WHERE source_kind = 'mentorship_session'))::bigint AS mentorship_sessions
           FROM xp_ledger WHERE platform_id = $1 AND user_id = $2",
        [platform_id.into(), user_id.into()],
    ))
    .one(conn)
    .await?
    .unwrap_or_default())
}

/// The instants of the user's facts (what streaks are computed from).
pub async fn activity<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
) -> Result<Vec<DateTime<Utc>>, LmsError> {
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT occurred_at FROM xp_ledger WHERE platform_id = $1 AND user_id = $2
              ORDER BY occurred_at",
            [platform_id.into(), user_id.into()],
        ))
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(r.try_get::<DateTime<Utc>>("", "occurred_at")?);
    }
    Ok(out)
}

/// The student's IANA zone from their profile (none when unset).
pub async fn timezone<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
) -> Result<Option<String>, LmsError> {
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT timezone FROM student_profiles WHERE platform_id = $1 AND user_id = $2",
            [platform_id.into(), user_id.into()],
        ))
        .await?;
    Ok(match row {
        Some(r) => r.try_get::<Option<String>>("", "timezone")?,
        None => None,
    })
}

#[derive(Debug, FromQueryResult)]
struct Compact {
    xp: i64,
    timezone: Option<String>,
    epochs: Option<String>,
}

/// XP and the current streak in one statement (the dashboard's budget).
pub async fn xp_and_streak<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(i64, i64), LmsError> {
    let (xp, streak, _) = xp_streak_today(conn, platform_id, user_id, now).await?;
    Ok((xp, streak))
}

/// XP, the current streak and whether today counts, in one statement: the total, the
/// profile's zone and the distinct instants of the last 400 days as epoch seconds.
pub async fn xp_streak_today<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(i64, i64, bool), LmsError> {
    let row = Compact::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT (SELECT coalesce(sum(points), 0) FROM xp_ledger
                  WHERE platform_id = $1 AND user_id = $2)::bigint AS xp,
                (SELECT timezone FROM student_profiles
                  WHERE platform_id = $1 AND user_id = $2) AS timezone,
                (SELECT string_agg(DISTINCT extract(epoch FROM occurred_at)::bigint::text, ',')
                   FROM xp_ledger WHERE platform_id = $1 AND user_id = $2
                    AND occurred_at > $3::timestamptz - interval '400 days') AS epochs",
        [platform_id.into(), user_id.into(), now.into()],
    ))
    .one(conn)
    .await?;
    let Some(row) = row else {
        return Ok((0, 0, false));
    };
    let tz = super::streaks::zone(row.timezone.as_deref());
    let epochs = row.epochs.unwrap_or_default();
    let instants = epochs
        .split(',')
        .filter_map(|s| s.parse::<i64>().ok())
        .filter_map(|s| DateTime::<Utc>::from_timestamp(s, 0));
    let days = super::streaks::local_days(instants, tz);
    let streak = super::streaks::streak(&days, now.with_timezone(&tz).date_naive());
    Ok((row.xp, streak.current, streak.active_today))
}

//! Badges: an admin defines a rule (a metric and a threshold); a student earns it once, when
//! the metric reaches the threshold. Every metric only grows with the ledger (the longest
//! streak, not the current one), so the badges of a set of facts are the same whatever order
//! the facts arrived in, and a badge is never taken back.

use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};
use uuid::Uuid;

use super::{ledger, streaks};
use crate::{
    dto::engagement::{Badge, EarnedBadge, NewBadge},
    error::LmsError,
};

/// Defines a badge (409 `badge_code_taken` when the code exists on the platform).
pub async fn create<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    by: Uuid,
    req: &NewBadge,
) -> Result<Badge, LmsError> {
    Badge::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO engagement_badges (id, platform_id, code, name, description, metric, threshold, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         RETURNING id, code, name, description, metric, threshold, active, created_at",
        [
            kernel::ids::new_id().into(),
            platform_id.into(),
            req.code.as_str().into(),
            req.name.as_str().into(),
            req.description.clone().unwrap_or_default().into(),
            req.metric.as_str().into(),
            req.threshold.into(),
            by.into(),
        ],
    ))
    .one(conn)
    .await
    .map_err(|e| {
        if crate::error::violates(&e, "engagement_badges_code_unique") {
            LmsError::BadgeCodeTaken
        } else {
            e.into()
        }
    })?
    .ok_or(LmsError::NotFound("badge"))
}

/// The platform's badges, oldest first.
pub async fn list<C: ConnectionTrait>(conn: &C, platform_id: Uuid) -> Result<Vec<Badge>, LmsError> {
    Ok(Badge::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT id, code, name, description, metric, threshold, active, created_at
           FROM engagement_badges WHERE platform_id = $1 ORDER BY created_at, id",
        [platform_id.into()],
    ))
    .all(conn)
    .await?)
}

/// Turns a badge on or off (404 for another platform's).
pub async fn set_active<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    id: Uuid,
    active: bool,
) -> Result<Badge, LmsError> {
    Badge::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE engagement_badges SET active = $3 WHERE platform_id = $1 AND id = $2
         RETURNING id, code, name, description, metric, threshold, active, created_at",
        [platform_id.into(), id.into(), active.into()],
    ))
    .one(conn)
    .await?
    .ok_or(LmsError::NotFound("badge"))
}

/// The badges a student earned, in the order earned.
pub async fn earned<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
) -> Result<Vec<EarnedBadge>, LmsError> {
    Ok(
        EarnedBadge::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT b.id, b.code, b.name, ub.awarded_at
           FROM engagement_user_badges ub JOIN engagement_badges b ON b.id = ub.badge_id
          WHERE ub.platform_id = $1 AND ub.user_id = $2
          ORDER BY ub.awarded_at, b.code",
            [platform_id.into(), user_id.into()],
        ))
        .all(conn)
        .await?,
    )
}

/// Awards every active badge whose rule the user's ledger meets and that they do not have;
/// returns how many were awarded. Idempotent; call it under [`ledger::lock_user`].
pub async fn evaluate<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
) -> Result<u64, LmsError> {
    let totals = ledger::totals(conn, platform_id, user_id).await?;
    let tz = streaks::zone(
        ledger::timezone(conn, platform_id, user_id)
            .await?
            .as_deref(),
    );
    let days = streaks::local_days(ledger::activity(conn, platform_id, user_id).await?, tz);
    let longest = streaks::longest(&days);
    let res = conn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO engagement_user_badges (badge_id, user_id, platform_id)
             SELECT b.id, $2, $1 FROM engagement_badges b
              WHERE b.platform_id = $1 AND b.active
                AND b.threshold <= CASE b.metric
                        WHEN 'xp' THEN $3::bigint
                        WHEN 'longest_streak' THEN $4::bigint
                        WHEN 'quizzes_passed' THEN $5::bigint
                        WHEN 'lessons_completed' THEN $6::bigint
                        WHEN 'classes_attended' THEN $7::bigint
                        WHEN 'assignments_on_time' THEN $8::bigint
                        WHEN 'mentorship_sessions' THEN $9::bigint
                    END
             ON CONFLICT DO NOTHING",
            [
                platform_id.into(),
                user_id.into(),
                totals.xp.into(),
                longest.into(),
                totals.quizzes_passed.into(),
                totals.lessons_completed.into(),
                totals.classes_attended.into(),
                totals.assignments_on_time.into(),
                totals.mentorship_sessions.into(),
            ],
        ))
        .await?;
    Ok(res.rows_affected())
}

//! The daily safety net (`badgeEvaluationQueue`): writes the XP of every fact in the LMS's
//! tables that no event awarded (a lost or failed event), re-evaluates the badges of every
//! student with XP, and drops the cached leaderboards so they are rebuilt from the fixed
//! ledger. Idempotent: a second run finds nothing to write. Mentorship sessions are awarded
//! by their event only (the LMS does not read mentorship's tables).

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, TransactionTrait};
use uuid::Uuid;

use super::{badges, facts, leaderboards, ledger, xp};
use crate::error::LmsError;

/// What a run fixed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Fixed {
    /// Ledger rows written for facts no event awarded.
    pub awards: u64,
    /// Badges awarded.
    pub badges: u64,
}

/// Fixes one platform's ledger and badges.
pub async fn run_platform(db: &DatabaseConnection, platform_id: Uuid) -> Result<Fixed, LmsError> {
    let mut points = Vec::new();
    for kind in xp::XpKind::ALL {
        points.push(kind.points_key().int_value(db, platform_id).await?);
    }
    let sql = format!(
        "INSERT INTO xp_ledger (id, platform_id, user_id, source_kind, source_id, course_id,
                                batch_id, points, occurred_at)
         SELECT gen_random_uuid(), $1, f.user_id, f.source_kind, f.source_id, f.course_id,
                (SELECT e.batch_id FROM enrollments e
                  WHERE e.platform_id = $1 AND e.user_id = f.user_id AND e.course_id = f.course_id),
                CASE f.source_kind
                    WHEN 'lesson_completed' THEN $2::int WHEN 'quiz_passed' THEN $3::int
                    WHEN 'assignment_on_time' THEN $4::int WHEN 'class_attended' THEN $5::int
                    ELSE $6::int END,
                f.occurred_at
           FROM ({}) f
          WHERE NOT EXISTS (SELECT 1 FROM xp_ledger l
                             WHERE l.platform_id = $1 AND l.user_id = f.user_id
                               AND l.source_kind = f.source_kind AND l.source_id = f.source_id)
         ON CONFLICT ON CONSTRAINT xp_ledger_once DO NOTHING",
        facts::ALL_FACTS
    );
    let mut values = vec![platform_id.into()];
    values.extend(points.iter().map(|p| i32::try_from(*p).unwrap_or(0).into()));
    let awards = db
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            values,
        ))
        .await?
        .rows_affected();
    let users = db
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT DISTINCT user_id FROM xp_ledger WHERE platform_id = $1",
            [platform_id.into()],
        ))
        .await?;
    let mut fixed_badges = 0;
    for row in users {
        let user_id: Uuid = row.try_get("", "user_id")?;
        let txn = db.begin().await?;
        ledger::lock_user(&txn, user_id).await?;
        fixed_badges += badges::evaluate(&txn, platform_id, user_id).await?;
        txn.commit().await?;
    }
    Ok(Fixed {
        awards,
        badges: fixed_badges,
    })
}

/// Runs [`run_platform`] for every platform with LMS activity and drops their cached boards.
pub async fn run(ctx: &kernel::AppContext) -> Result<Fixed, LmsError> {
    let platforms = ctx
        .db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT id FROM platforms WHERE id IN (SELECT DISTINCT platform_id FROM enrollments)",
        ))
        .await?;
    let mut total = Fixed::default();
    for row in platforms {
        let platform_id: Uuid = row.try_get("", "id")?;
        let fixed = run_platform(&ctx.db, platform_id).await?;
        total.awards += fixed.awards;
        total.badges += fixed.badges;
        leaderboards::forget_platform(ctx, platform_id).await;
    }
    Ok(total)
}

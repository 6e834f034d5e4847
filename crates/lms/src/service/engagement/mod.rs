//! The engagement area (issue 15, ADR 0060): XP from domain events into a ledger awarded once
//! per fact ([`xp`]), levels ([`levels`]), admin-defined badges ([`badges`]), streaks in the
//! student's time zone ([`streaks`]), leaderboards cached in Redis ([`leaderboards`]) and the
//! daily safety net ([`safety_net`]).

pub mod badges;
pub mod cards;
pub mod consoles;
pub mod course_plans;
pub mod facts;
pub mod leaderboards;
pub mod ledger;
pub mod levels;
pub mod risk;
pub mod safety_net;
pub mod streaks;
pub mod warnings;
pub mod xp;

use chrono::{DateTime, Utc};
use kernel::AppContext;
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::{dto::engagement::Engagement, error::LmsError};

/// Awards a fact (once) and, when it was new, adds it to the cached leaderboards.
pub async fn on_fact(
    ctx: &AppContext,
    platform_id: Uuid,
    fact: &xp::XpFact,
    event_id: Option<Uuid>,
) -> Result<xp::Awarded, LmsError> {
    let done = xp::award(&ctx.db, platform_id, fact, event_id).await?;
    if done.created {
        leaderboards::record(
            ctx,
            platform_id,
            fact.user_id,
            fact.course_id,
            done.batch_id,
            done.points,
            fact.occurred_at,
        )
        .await;
    }
    Ok(done)
}

/// The student's XP, level, streak (in their zone, on `now`) and badges.
pub async fn summary<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Engagement, LmsError> {
    let totals = ledger::totals(conn, platform_id, user_id).await?;
    let tz = streaks::zone(
        ledger::timezone(conn, platform_id, user_id)
            .await?
            .as_deref(),
    );
    let days = streaks::local_days(ledger::activity(conn, platform_id, user_id).await?, tz);
    let streak = streaks::streak(&days, now.with_timezone(&tz).date_naive());
    let level = levels::of(totals.xp);
    Ok(Engagement {
        xp: totals.xp,
        level: level.level,
        level_floor_xp: level.floor,
        next_level_xp: level.next_at,
        streak: streak.current,
        longest_streak: streak.longest,
        active_today: streak.active_today,
        streak_at_risk: streak.at_risk(),
        timezone: tz.name().to_owned(),
        lessons_completed: totals.lessons_completed,
        quizzes_passed: totals.quizzes_passed,
        assignments_on_time: totals.assignments_on_time,
        classes_attended: totals.classes_attended,
        mentorship_sessions: totals.mentorship_sessions,
        badges: badges::earned(conn, platform_id, user_id).await?,
    })
}

/// Who may read a board: an admin, the batch's lead, or a student actively enrolled in the
/// batch (or course). 404 for a batch or course of another platform, 403 `not_enrolled`
/// otherwise.
pub async fn check_board_access<C: ConnectionTrait>(
    conn: &C,
    user: &kernel::auth::AuthUser,
    scope: crate::dto::engagement::BoardScope,
    id: Uuid,
) -> Result<(), LmsError> {
    use crate::dto::engagement::BoardScope;
    use sea_orm::{DbBackend, Statement};
    let sql = match scope {
        BoardScope::Batch => {
            "SELECT (b.batch_lead_id = $3) AS lead,
                    EXISTS (SELECT 1 FROM enrollments e WHERE e.batch_id = b.id AND e.user_id = $3
                              AND e.status = 'active') AS member
               FROM batches b WHERE b.id = $1 AND b.platform_id = $2"
        }
        BoardScope::Course => {
            "SELECT false AS lead,
                    EXISTS (SELECT 1 FROM enrollments e WHERE e.course_id = c.id AND e.user_id = $3
                              AND e.status = 'active') AS member
               FROM courses c WHERE c.id = $1 AND c.platform_id = $2"
        }
    };
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            [id.into(), user.tenant.id.into(), user.id.into()],
        ))
        .await?
        .ok_or(LmsError::NotFound(match scope {
            BoardScope::Batch => "batch",
            BoardScope::Course => "course",
        }))?;
    let lead: Option<bool> = row.try_get("", "lead")?;
    let member: bool = row.try_get("", "member")?;
    if user.role.is_admin() || lead == Some(true) || member {
        Ok(())
    } else {
        Err(LmsError::NotEnrolled)
    }
}

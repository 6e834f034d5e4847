//! Learners' accommodations (time multiplier, extra time, extra attempts): set once per
//! learner by an admin, applied to every timed assessment without per-quiz setup.

use chrono::Utc;
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, Statement};
use uuid::Uuid;

use crate::{
    dto::quizzes::{AccommodationsDto, AccommodationsUpdate},
    entities::learner_accommodations,
    error::LmsError,
};

/// What a timed attempt is given on top of the quiz's own settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Allowance {
    /// Duration multiplier.
    pub time_multiplier: f64,
    /// Seconds added.
    pub extra_seconds: i32,
    /// Attempts added.
    pub extra_attempts: i32,
}

impl Default for Allowance {
    fn default() -> Self {
        Self {
            time_multiplier: 1.0,
            extra_seconds: 0,
            extra_attempts: 0,
        }
    }
}

/// The learner's accommodations (none set: the defaults).
pub async fn of<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
) -> Result<Option<learner_accommodations::Model>, LmsError> {
    Ok(learner_accommodations::Entity::find_by_id(user_id)
        .one(conn)
        .await?
        .filter(|a| a.platform_id == platform_id))
}

/// The allowance of a learner.
pub async fn allowance<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
) -> Result<Allowance, LmsError> {
    Ok(of(conn, platform_id, user_id)
        .await?
        .map(|a| Allowance {
            time_multiplier: a.time_multiplier,
            extra_seconds: a.extra_seconds,
            extra_attempts: a.extra_attempts,
        })
        .unwrap_or_default())
}

async fn user_of_platform<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
) -> Result<bool, LmsError> {
    Ok(conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 AS ok FROM users WHERE id = $1 AND platform_id = $2",
            [user_id.into(), platform_id.into()],
        ))
        .await?
        .is_some())
}

/// The learner's accommodations as the API shows them (404 for a user of another platform).
pub async fn get<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
) -> Result<AccommodationsDto, LmsError> {
    if !user_of_platform(conn, platform_id, user_id).await? {
        return Err(LmsError::NotFound("user"));
    }
    Ok(of(conn, platform_id, user_id)
        .await?
        .map_or_else(|| AccommodationsDto::none(user_id), AccommodationsDto::from))
}

/// Sets the learner's accommodations (an upsert).
pub async fn put<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    admin_id: Uuid,
    user_id: Uuid,
    req: AccommodationsUpdate,
) -> Result<AccommodationsDto, LmsError> {
    if !user_of_platform(conn, platform_id, user_id).await? {
        return Err(LmsError::NotFound("user"));
    }
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO learner_accommodations
             (user_id, platform_id, time_multiplier, extra_seconds, extra_attempts, note, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (user_id) DO UPDATE SET time_multiplier = EXCLUDED.time_multiplier,
             extra_seconds = EXCLUDED.extra_seconds, extra_attempts = EXCLUDED.extra_attempts,
             note = EXCLUDED.note, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at",
        [
            user_id.into(),
            platform_id.into(),
            req.time_multiplier.into(),
            req.extra_seconds.into(),
            req.extra_attempts.into(),
            req.note.into(),
            admin_id.into(),
            Utc::now().into(),
        ],
    ))
    .await?;
    get(conn, platform_id, user_id).await
}

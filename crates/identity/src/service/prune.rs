//! Retention: spent, revoked and expired credentials are deleted a week after they stop
//! mattering (a daily job on `cleanupQueue`), so the tables stay small. Reuse detection
//! needs spent refresh tokens only while their family could still be refreshed, i.e. until
//! the family's newest token expires; a week past expiry covers it.

use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::{
    entities::{otp_codes, password_resets, refresh_tokens},
    error::IdentityResult,
};

/// How long dead credentials are kept.
pub const KEEP_DAYS: i64 = 7;

/// Deletes credentials expired more than [`KEEP_DAYS`] ago; returns how many rows.
pub async fn run<C: ConnectionTrait>(conn: &C) -> IdentityResult<u64> {
    let cutoff = Utc::now() - chrono::Duration::days(KEEP_DAYS);
    let refresh = refresh_tokens::Entity::delete_many()
        .filter(refresh_tokens::Column::ExpiresAt.lt(cutoff))
        .exec(conn)
        .await?
        .rows_affected;
    let otp = otp_codes::Entity::delete_many()
        .filter(otp_codes::Column::ExpiresAt.lt(cutoff))
        .exec(conn)
        .await?
        .rows_affected;
    let resets = password_resets::Entity::delete_many()
        .filter(password_resets::Column::ExpiresAt.lt(cutoff))
        .exec(conn)
        .await?
        .rows_affected;
    Ok(refresh + otp + resets)
}

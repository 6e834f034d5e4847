//! `exotel_calls`: storing placed calls and applying status callbacks idempotently.

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Statement,
};
use uuid::Uuid;

use super::ProviderCall;
use crate::entities::exotel_calls as calls;

/// Calls listed at most.
pub const LIST_LIMIT: u64 = 100;

/// What to store about a placed call.
#[derive(Debug, Clone)]
pub struct NewCall<'a> {
    /// Tenant.
    pub platform_id: Uuid,
    /// What Exotel answered.
    pub call: &'a ProviderCall,
    /// Agent number.
    pub from: &'a str,
    /// Lead number.
    pub to: &'a str,
    /// ExoPhone.
    pub caller_id: &'a str,
    /// The user who placed it.
    pub created_by: Uuid,
}

/// Stores a placed call.
pub async fn insert_call(
    db: &impl ConnectionTrait,
    new: NewCall<'_>,
) -> Result<calls::Model, DbErr> {
    let now = Utc::now();
    let row = calls::ActiveModel {
        id: Set(kernel::ids::new_id()),
        platform_id: Set(new.platform_id),
        sid: Set(new.call.sid.clone()),
        from_number: Set(new.from.to_owned()),
        to_number: Set(new.to.to_owned()),
        caller_id: Set(new.caller_id.to_owned()),
        status: Set(new.call.status.clone()),
        duration_secs: Set(None),
        recording_url: Set(None),
        created_by: Set(Some(new.created_by)),
        created_at: Set(now),
        updated_at: Set(now),
    };
    calls::Entity::insert(row).exec_with_returning(db).await
}

/// A status callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallStatus {
    /// `CallSid`.
    pub sid: String,
    /// `Status`.
    pub status: String,
    /// Talk time in seconds.
    pub duration_secs: Option<i32>,
    /// `RecordingUrl`.
    pub recording_url: Option<String>,
}

/// Applies a callback to its call; the same callback twice leaves the same row. Returns
/// whether a call with that sid exists.
pub async fn apply_status(db: &impl ConnectionTrait, update: &CallStatus) -> Result<bool, DbErr> {
    let result = db
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE exotel_calls SET status = $2, \
             duration_secs = COALESCE($3, duration_secs), \
             recording_url = COALESCE($4, recording_url), updated_at = now() \
             WHERE sid = $1",
            [
                update.sid.clone().into(),
                update.status.clone().into(),
                update.duration_secs.into(),
                update.recording_url.clone().into(),
            ],
        ))
        .await?;
    Ok(result.rows_affected() > 0)
}

/// The newest calls of a platform, all of them or one user's.
pub async fn list(
    db: &impl ConnectionTrait,
    platform_id: Uuid,
    created_by: Option<Uuid>,
) -> Result<Vec<calls::Model>, DbErr> {
    let mut query = calls::Entity::find().filter(calls::Column::PlatformId.eq(platform_id));
    if let Some(user) = created_by {
        query = query.filter(calls::Column::CreatedBy.eq(user));
    }
    query
        .order_by_desc(calls::Column::CreatedAt)
        .limit(LIST_LIMIT)
        .all(db)
        .await
}

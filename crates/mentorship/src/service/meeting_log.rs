//! The meeting log: an append-only line per thing that happened to a meeting.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};
use uuid::Uuid;

use crate::{entities::meeting_logs, error::MentorshipError};

/// Appends to a meeting's log.
pub async fn log(
    conn: &impl ConnectionTrait,
    meeting_id: Uuid,
    kind: &str,
    actor: Option<Uuid>,
    payload: serde_json::Value,
) -> Result<(), MentorshipError> {
    meeting_logs::ActiveModel {
        id: Set(kernel::ids::new_id()),
        meeting_id: Set(meeting_id),
        kind: Set(kind.to_owned()),
        actor_id: Set(actor),
        payload: Set(payload),
        created_at: Set(Utc::now()),
    }
    .insert(conn)
    .await?;
    Ok(())
}

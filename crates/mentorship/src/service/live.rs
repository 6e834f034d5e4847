//! The live side of a meeting, as the realtime signalling server needs it: who may enter
//! its room, and the meeting log (started, ended, recording, chat) written as it happens.
//! The gateway adapts these functions to the realtime crate's `MeetingAccess` trait, so
//! realtime never depends on this crate.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbBackend, EntityTrait, Statement,
};
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::entities::MeetingStatus;
use crate::{
    entities::{meeting_logs, meetings},
    error::MentorshipError,
    service::meetings::{mark_joined, visible},
};

pub use crate::service::meetings::JoinPolicy;

/// A meeting as shown to a participant joining its room.
#[derive(Debug, Clone, Serialize)]
pub struct LiveMeeting {
    /// Meeting id (also the room id).
    pub id: Uuid,
    /// The booking.
    pub booking_id: Uuid,
    /// The mentor's user id.
    pub mentor_user_id: Uuid,
    /// The student's user id.
    pub student_user_id: Uuid,
    /// Scheduled start.
    pub starts_at: DateTime<Utc>,
    /// Scheduled end.
    pub ends_at: DateTime<Utc>,
    /// `scheduled`, `live`, `ended`, `completed`, `cancelled`.
    pub status: MeetingStatus,
    /// First join, when it happened.
    pub started_at: Option<DateTime<Utc>>,
    /// End, when it happened.
    pub ended_at: Option<DateTime<Utc>>,
}

impl From<meetings::Model> for LiveMeeting {
    fn from(m: meetings::Model) -> Self {
        Self {
            id: m.id,
            booking_id: m.booking_id,
            mentor_user_id: m.mentor_user_id,
            student_user_id: m.student_user_id,
            starts_at: m.starts_at,
            ends_at: m.ends_at,
            status: m.status,
            started_at: m.started_at,
            ended_at: m.ended_at,
        }
    }
}

/// The meeting if `user` may enter its room: a participant or an admin of its platform, and
/// the meeting is not cancelled. Anything else is `NotFound` (no existence leak).
pub async fn enter<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user: Uuid,
    is_admin: bool,
    meeting_id: Uuid,
) -> Result<LiveMeeting, MentorshipError> {
    let meeting = visible(conn, platform_id, user, is_admin, meeting_id).await?;
    if meeting.status == MeetingStatus::Cancelled {
        return Err(MentorshipError::MeetingCancelled);
    }
    Ok(meeting.into())
}

/// What happened in a meeting's room.
#[derive(Debug, Clone, PartialEq)]
pub enum LiveEvent {
    /// A participant joined the room (presence for the settlement of ended meetings, once
    /// per participant; see [`crate::service::meetings::mark_joined`]).
    Joined,
    /// The first participant joined the room.
    Started,
    /// Someone ended the meeting.
    Ended,
    /// Recording started.
    RecordingStarted,
    /// Recording stopped.
    RecordingStopped,
    /// A chat message (its id and text).
    Chat {
        /// Message id.
        id: Uuid,
        /// Text.
        text: String,
    },
}

impl LiveEvent {
    fn kind(&self) -> &'static str {
        match self {
            Self::Joined => "joined",
            Self::Started => "started",
            Self::Ended => "ended",
            Self::RecordingStarted => "recording_started",
            Self::RecordingStopped => "recording_stopped",
            Self::Chat { .. } => "chat",
        }
    }

    fn payload(&self) -> Value {
        match self {
            Self::Chat { id, text } => json!({"message_id": id, "text": text}),
            _ => json!({}),
        }
    }
}

/// Writes `event` to the meeting log: `Joined` records the participant's presence (once
/// each, and only inside the join window drawn by `policy`); `Started` marks the meeting live (once: the first start wins, later ones change
/// nothing and return false); `Ended` marks it ended (once). Other events always append.
/// Returns whether the event changed anything.
pub async fn record<C: ConnectionTrait>(
    conn: &C,
    policy: JoinPolicy,
    meeting_id: Uuid,
    actor: Uuid,
    at: DateTime<Utc>,
    event: &LiveEvent,
) -> Result<bool, MentorshipError> {
    if *event == LiveEvent::Joined {
        let meeting = meetings::Entity::find_by_id(meeting_id)
            .one(conn)
            .await?
            .ok_or(MentorshipError::NotFound("meeting"))?;
        return mark_joined(conn, &meeting, actor, policy.window(&meeting), at).await;
    }
    let transition = match event {
        // the HTTP join may have stamped `started_at` already; the room goes live once
        LiveEvent::Started => Some(
            "UPDATE meetings SET status = 'live', started_at = COALESCE(started_at, $2),
                    updated_at = $2
             WHERE id = $1 AND status = 'scheduled'",
        ),
        LiveEvent::Ended => Some(
            "UPDATE meetings SET status = 'ended', ended_at = $2, updated_at = $2
             WHERE id = $1 AND ended_at IS NULL AND status IN ('scheduled', 'live')",
        ),
        _ => None,
    };
    if let Some(sql) = transition {
        let res = conn
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                sql,
                [meeting_id.into(), at.into()],
            ))
            .await?;
        if res.rows_affected() == 0 {
            return Ok(false);
        }
    }
    meeting_logs::ActiveModel {
        id: Set(kernel::ids::new_id()),
        meeting_id: Set(meeting_id),
        kind: Set(event.kind().to_owned()),
        actor_id: Set(Some(actor)),
        payload: Set(event.payload()),
        created_at: Set(at),
    }
    .insert(conn)
    .await?;
    Ok(true)
}

/// The meeting's log, oldest first (kind, actor, payload, time).
pub async fn log<C: ConnectionTrait>(
    conn: &C,
    meeting_id: Uuid,
) -> Result<Vec<meeting_logs::Model>, MentorshipError> {
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
    Ok(meeting_logs::Entity::find()
        .filter(meeting_logs::Column::MeetingId.eq(meeting_id))
        .order_by_asc(meeting_logs::Column::CreatedAt)
        .all(conn)
        .await?)
}

//! Meetings: the join window, the student's feedback, and the expired-slot cleanup.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ConnectionTrait, DbBackend, EntityTrait, QuerySelect, Statement, TransactionTrait,
    sea_query::LockType,
};
use uuid::Uuid;

use crate::entities::MeetingStatus;
use crate::{entities::meetings, error::MentorshipError};

/// When a meeting can be joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JoinWindow {
    /// Opens.
    pub opens_at: DateTime<Utc>,
    /// Closes.
    pub closes_at: DateTime<Utc>,
}

/// How join windows are drawn (from configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JoinPolicy {
    /// `ALLOW_EARLY_MEETING_JOIN`: the window opens `buffer_minutes` before the start.
    pub allow_early: bool,
    /// `MEETING_JOIN_BUFFER_MINUTES`.
    pub buffer_minutes: i64,
}

impl JoinPolicy {
    /// The policy of the crate's configuration section.
    pub fn from_config(config: &crate::MentorshipConfig) -> Self {
        Self {
            allow_early: config.allow_early_meeting_join,
            buffer_minutes: config.meeting_join_buffer_minutes,
        }
    }

    /// The window of `meeting` under this policy.
    pub fn window(&self, meeting: &meetings::Model) -> JoinWindow {
        JoinWindow::of(meeting, self.allow_early, self.buffer_minutes)
    }
}

impl JoinWindow {
    /// Whether `at` is inside the window.
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        self.opens_at <= at && at <= self.closes_at
    }

    /// The window of a meeting: from the start (or `buffer` earlier when early joins are
    /// allowed) until `buffer` after the end.
    pub fn of(meeting: &meetings::Model, allow_early: bool, buffer_minutes: i64) -> Self {
        let buffer = Duration::minutes(buffer_minutes);
        Self {
            opens_at: if allow_early {
                meeting.starts_at - buffer
            } else {
                meeting.starts_at
            },
            closes_at: meeting.ends_at + buffer,
        }
    }
}

/// The meeting if `user` may see it (participants and admins of its platform).
pub async fn visible<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user: Uuid,
    is_admin: bool,
    meeting_id: Uuid,
) -> Result<meetings::Model, MentorshipError> {
    meetings::Entity::find_by_id(meeting_id)
        .one(conn)
        .await?
        .filter(|m| m.platform_id == platform_id)
        .filter(|m| is_admin || user == m.mentor_user_id || user == m.student_user_id)
        .ok_or(MentorshipError::NotFound("meeting"))
}

/// Records the student's rating of a completed meeting (once) and updates the mentor's
/// rating in the same transaction.
pub async fn feedback(
    db: &sea_orm::DatabaseConnection,
    platform_id: Uuid,
    student: Uuid,
    meeting_id: Uuid,
    rating: i16,
    comment: &str,
) -> Result<(), MentorshipError> {
    let txn = db.begin().await?;
    let meeting = meetings::Entity::find_by_id(meeting_id)
        .lock(LockType::Update)
        .one(&txn)
        .await?
        .filter(|m| m.platform_id == platform_id)
        .ok_or(MentorshipError::NotFound("meeting"))?;
    if meeting.student_user_id != student {
        return Err(MentorshipError::NotParticipant(
            "only the meeting's student gives feedback".into(),
        ));
    }
    if meeting.status != MeetingStatus::Completed {
        return Err(MentorshipError::MeetingNotCompleted);
    }
    let inserted = txn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO meeting_feedback (meeting_id, platform_id, mentor_id, student_id, rating, comment)
             SELECT m.id, m.platform_id, b.mentor_id, m.student_user_id, $2, $3
               FROM meetings m JOIN bookings b ON b.id = m.booking_id WHERE m.id = $1
             ON CONFLICT (meeting_id) DO NOTHING",
            [meeting_id.into(), rating.into(), comment.into()],
        ))
        .await?;
    if inserted.rows_affected() == 0 {
        return Err(MentorshipError::FeedbackGiven);
    }
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE mentor_profiles p SET rating_sum = rating_sum + $2, rating_count = rating_count + 1,
                updated_at = now()
           FROM bookings b JOIN meetings m ON m.booking_id = b.id
          WHERE m.id = $1 AND p.id = b.mentor_id",
        [meeting_id.into(), i64::from(rating).into()],
    ))
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Marks open slots whose start has passed as expired; returns how many.
pub async fn expire_slots<C: ConnectionTrait>(conn: &C) -> Result<u64, MentorshipError> {
    Ok(conn
        .execute_raw(Statement::from_string(
            DbBackend::Postgres,
            "UPDATE mentor_slots SET status = 'expired' WHERE status = 'open' AND starts_at <= now()",
        ))
        .await?
        .rows_affected())
}

/// Records that a participant joined (once per participant: a `joined` line in the meeting
/// log) and the meeting's first join; admins looking in are not presence, and neither is a
/// join outside the meeting's join window (a socket in the room a day early proves nothing).
/// Returns whether the join counts as presence.
pub async fn mark_joined<C: ConnectionTrait>(
    conn: &C,
    meeting: &meetings::Model,
    user: Uuid,
    window: JoinWindow,
    at: DateTime<Utc>,
) -> Result<bool, MentorshipError> {
    if user != meeting.mentor_user_id && user != meeting.student_user_id {
        return Ok(false);
    }
    if !window.contains(at) {
        return Ok(false);
    }
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "WITH first AS (
             UPDATE meetings SET started_at = now(), updated_at = now()
              WHERE id = $1 AND started_at IS NULL)
         INSERT INTO meeting_logs (id, meeting_id, kind, actor_id, payload)
         SELECT $2, $1, 'joined', $3, '{}'::jsonb
          WHERE NOT EXISTS (SELECT 1 FROM meeting_logs
                             WHERE meeting_id = $1 AND kind = 'joined' AND actor_id = $3)",
        [meeting.id.into(), kernel::ids::new_id().into(), user.into()],
    ))
    .await?;
    Ok(true)
}

/// Whether both participants are recorded present (a `joined` line each, written only
/// inside the join window).
pub async fn both_joined<C: ConnectionTrait>(
    conn: &C,
    meeting: &meetings::Model,
) -> Result<bool, MentorshipError> {
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT COUNT(DISTINCT actor_id) AS n FROM meeting_logs
              WHERE meeting_id = $1 AND kind = 'joined' AND actor_id IN ($2, $3)",
            [
                meeting.id.into(),
                meeting.mentor_user_id.into(),
                meeting.student_user_id.into(),
            ],
        ))
        .await?;
    let n: i64 = match row {
        Some(r) => r.try_get("", "n")?,
        None => 0,
    };
    Ok(n == 2)
}

/// A meeting was held when both participants joined inside its window and it is over: ended
/// in the room, or its slot's end has passed. Marking it held before that (or without both
/// people) is refused with 409 `meeting_not_held`.
pub async fn ensure_held<C: ConnectionTrait>(
    conn: &C,
    meeting: &meetings::Model,
    now: DateTime<Utc>,
) -> Result<(), MentorshipError> {
    let over = meeting.ended_at.is_some() || now >= meeting.ends_at;
    if !over {
        return Err(MentorshipError::MeetingNotHeld(
            "the session has not happened yet: it can be marked held once it has ended".into(),
        ));
    }
    if !both_joined(conn, meeting).await? {
        return Err(MentorshipError::MeetingNotHeld(
            "the session was not held: both participants must have joined it".into(),
        ));
    }
    Ok(())
}

//! Settling meetings whose slot is over without anyone marking them (`cleanupQueue`, every
//! 15 minutes). Presence is what `GET /api/meetings/{id}/join` records: a `joined` line in
//! the meeting log per participant. Once the join window has closed (the end plus
//! `MEETING_JOIN_BUFFER_MINUTES`):
//! - both joined: completed, the hold posted to the mentor (less commission);
//! - the mentor never joined (whether or not the student did): a mentor no-show, the hold
//!   voided and every token back to the student;
//! - only the mentor joined: a student no-show, the hold posted to the mentor.
//!
//! Each batch locks its meetings `FOR UPDATE SKIP LOCKED` and settles only those still open,
//! so concurrent or repeated runs settle every hold once.

use chrono::{Duration, Utc};
use kernel::AppContext;
use sea_orm::{
    ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, Statement, TransactionTrait,
};
use uuid::Uuid;

use super::completion;
use crate::{MentorshipConfig, entities::meetings, error::MentorshipError};

/// Meetings settled per transaction.
const BATCH: i64 = 100;

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Settled {
    /// Both joined: completed.
    pub completed: u64,
    /// The mentor was absent: refunded.
    pub mentor_no_show: u64,
    /// The student was absent: posted to the mentor.
    pub student_no_show: u64,
}

#[derive(Debug, FromQueryResult)]
struct Due {
    id: Uuid,
    mentor_joined: bool,
    student_joined: bool,
}

const DUE: &str = "
    SELECT m.id,
           EXISTS (SELECT 1 FROM meeting_logs l WHERE l.meeting_id = m.id AND l.kind = 'joined'
                      AND l.actor_id = m.mentor_user_id) AS mentor_joined,
           EXISTS (SELECT 1 FROM meeting_logs l WHERE l.meeting_id = m.id AND l.kind = 'joined'
                      AND l.actor_id = m.student_user_id) AS student_joined
      FROM meetings m
     WHERE m.status IN ('scheduled', 'live', 'ended') AND m.ends_at < $1
     ORDER BY m.ends_at
     LIMIT $2
       FOR UPDATE OF m SKIP LOCKED";

/// Settles every meeting whose join window has closed; returns the counts.
pub async fn settle_ended(
    ctx: &AppContext,
    config: &MentorshipConfig,
) -> Result<Settled, MentorshipError> {
    let cutoff = Utc::now() - Duration::minutes(config.meeting_join_buffer_minutes);
    let mut total = Settled::default();
    loop {
        let txn = ctx.db.begin().await?;
        let due = Due::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            DUE,
            [cutoff.into(), BATCH.into()],
        ))
        .all(&txn)
        .await?;
        let n = due.len();
        for d in due {
            let Some(m) = meetings::Entity::find_by_id(d.id).one(&txn).await? else {
                continue;
            };
            settle_one(&txn, m, d.mentor_joined, d.student_joined, &mut total).await?;
        }
        txn.commit().await?;
        if i64::try_from(n).unwrap_or(0) < BATCH {
            return Ok(total);
        }
    }
}

async fn settle_one<C: ConnectionTrait>(
    txn: &C,
    m: meetings::Model,
    mentor_joined: bool,
    student_joined: bool,
    total: &mut Settled,
) -> Result<(), MentorshipError> {
    let id = m.id;
    match (mentor_joined, student_joined) {
        (true, true) => {
            completion::post(txn, m, None, "auto_completed").await?;
            total.completed += 1;
        }
        (true, false) => {
            completion::post(txn, m, None, "student_no_show").await?;
            total.student_no_show += 1;
        }
        (false, _) => {
            completion::void(txn, m, "mentor_no_show").await?;
            total.mentor_no_show += 1;
        }
    }
    tracing::info!(meeting = %id, mentor_joined, student_joined, "ended meeting settled");
    Ok(())
}

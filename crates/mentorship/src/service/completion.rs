//! Completing a meeting: the hold is posted to the mentor's earnings exactly once, whoever
//! completes it (the mentor, an admin, the emailed link or the automatic job), because the
//! meeting row is locked and its status checked first. Also the meeting log.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QuerySelect, TransactionTrait, sea_query::LockType,
};
use serde_json::json;
use tokens::ledger::holds::{self, Settlement};
use uuid::Uuid;

use super::actor::Actor;
pub use super::meeting_log::log;
use crate::entities::{BookingStatus, MeetingStatus};
use crate::{
    entities::{bookings, meetings},
    error::MentorshipError,
};

/// Marks a meeting held (its mentor or an admin): the hold is posted to the mentor's
/// earnings and the platform's commission. A second call changes nothing. Only a meeting
/// that happened can be marked held ([`super::meetings::ensure_held`]): 409
/// `meeting_not_held` otherwise.
pub async fn complete(
    db: &DatabaseConnection,
    platform_id: Uuid,
    actor: Actor,
    meeting_id: Uuid,
) -> Result<meetings::Model, MentorshipError> {
    let txn = db.begin().await?;
    let meeting = meetings::Entity::find_by_id(meeting_id)
        .filter(meetings::Column::PlatformId.eq(platform_id))
        .lock(LockType::Update)
        .one(&txn)
        .await?
        .ok_or(MentorshipError::NotFound("meeting"))?;
    let is_participant =
        actor.user_id == meeting.mentor_user_id || actor.user_id == meeting.student_user_id;
    if !(is_participant || actor.is_admin) {
        return Err(MentorshipError::NotFound("meeting"));
    }
    if actor.user_id != meeting.mentor_user_id && !actor.is_admin {
        return Err(MentorshipError::NotParticipant(
            "only the mentor or an admin marks a session held".into(),
        ));
    }
    match meeting.status {
        MeetingStatus::Completed => return Ok(meeting),
        MeetingStatus::Cancelled => {
            return Err(MentorshipError::MeetingCancelled);
        }
        _ => {}
    }
    super::meetings::ensure_held(&txn, &meeting, Utc::now()).await?;
    let meeting = post(&txn, meeting, Some(actor.user_id), "completed").await?;
    txn.commit().await?;
    Ok(meeting)
}

/// Posts a locked, not yet settled meeting's hold to its mentor (the platform keeps the
/// commission) and marks booking and meeting completed, logging `how` (`completed`,
/// `completed_by_link`, `auto_completed`, `student_no_show`). `by` is null for the system.
pub async fn post<C: ConnectionTrait>(
    txn: &C,
    meeting: meetings::Model,
    by: Option<Uuid>,
    how: &str,
) -> Result<meetings::Model, MentorshipError> {
    let booking = bookings::Entity::find_by_id(meeting.booking_id)
        .lock(LockType::Update)
        .one(txn)
        .await?
        .ok_or(MentorshipError::NotFound("booking"))?;
    tokens::earnings::post_session(txn, booking.hold_id, meeting.mentor_user_id).await?;
    let now = Utc::now();
    let mut b: bookings::ActiveModel = booking.into();
    b.status = Set(BookingStatus::Completed);
    b.updated_at = Set(now);
    b.update(txn).await?;
    let mut m: meetings::ActiveModel = meeting.into();
    m.status = Set(MeetingStatus::Completed);
    m.completed_at = Set(Some(now));
    m.completed_by = Set(by);
    m.updated_at = Set(now);
    let meeting = m.update(txn).await?;
    log(txn, meeting.id, how, by, json!({})).await?;
    if how != "student_no_show" {
        publish_completed(txn, &meeting, now).await?;
    }
    Ok(meeting)
}

/// Publishes `mentorship.session_completed` for a meeting held, in the caller's transaction.
async fn publish_completed<C: ConnectionTrait>(
    txn: &C,
    meeting: &meetings::Model,
    now: chrono::DateTime<Utc>,
) -> Result<(), MentorshipError> {
    let platform = kernel::tenant::entity::Entity::find_by_id(meeting.platform_id)
        .one(txn)
        .await?
        .ok_or(MentorshipError::NotFound("platform"))?;
    let tenant = kernel::Tenant {
        id: platform.id,
        slug: platform.slug,
        name: platform.name,
        modules: Vec::new(),
    };
    jobs::outbox::publish_in(
        txn,
        &tenant,
        &crate::events::SessionCompleted {
            meeting_id: meeting.id,
            mentor_user_id: meeting.mentor_user_id,
            student_user_id: meeting.student_user_id,
            completed_at: now,
        },
    )
    .await?;
    Ok(())
}

/// Voids a locked, not yet settled meeting's hold (everything back to the student) and
/// marks booking and meeting cancelled with `reason` (`mentor_no_show`).
pub async fn void<C: ConnectionTrait>(
    txn: &C,
    meeting: meetings::Model,
    reason: &str,
) -> Result<meetings::Model, MentorshipError> {
    let booking = bookings::Entity::find_by_id(meeting.booking_id)
        .lock(LockType::Update)
        .one(txn)
        .await?
        .ok_or(MentorshipError::NotFound("booking"))?;
    holds::settle(
        txn,
        booking.hold_id,
        Settlement {
            mentor_id: None,
            post: 0,
            commission_bps: 0,
            refund: booking.tokens,
        },
    )
    .await?;
    let now = Utc::now();
    let refund = booking.tokens;
    let mut b: bookings::ActiveModel = booking.into();
    b.status = Set(BookingStatus::Cancelled);
    b.cancel_reason = Set(Some(reason.to_owned()));
    b.refunded_tokens = Set(Some(refund));
    b.updated_at = Set(now);
    b.update(txn).await?;
    let plan = meeting.plan_version + 1;
    let mut m: meetings::ActiveModel = meeting.into();
    m.status = Set(MeetingStatus::Cancelled);
    m.plan_version = Set(plan);
    m.updated_at = Set(now);
    let meeting = m.update(txn).await?;
    log(txn, meeting.id, reason, None, json!({"refunded": refund})).await?;
    Ok(meeting)
}

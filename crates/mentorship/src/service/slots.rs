//! Availability: a mentor opens slots (the database refuses overlaps), moves and withdraws
//! open ones, and clients list the open ones.
//!
//! Moving or withdrawing a slot locks its row (`FOR UPDATE`) and checks it is still open, as
//! booking does, so a booking and an edit of one slot serialize and only the first wins.
//! Neither deletes the row: withdrawing marks it `cancelled`, and moving replaces it (the old
//! row `cancelled`, a new open row under a new id). A student booking from a list they loaded
//! before the move then gets 409 `slot_taken` instead of a time they never chose, and the
//! cancelled row of a slot generated from a weekly rule keeps its `(rule_id, starts_at)` key,
//! so the daily generation does not bring the slot back.

use chrono::{DateTime, Duration, SubsecRound, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait, sea_query::LockType,
};
use uuid::Uuid;

use super::profiles;
use crate::entities::{MentorStatus, SlotStatus};
use crate::{
    entities::mentor_slots,
    error::{MentorshipError, violates},
};

/// Opens a slot for the caller's approved profile.
pub async fn open<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<mentor_slots::Model, MentorshipError> {
    let profile = profiles::of_user(conn, platform_id, user_id).await?.ok_or(
        MentorshipError::MentorNotApproved("apply as a mentor first".into()),
    )?;
    if profile.status != MentorStatus::Approved {
        return Err(MentorshipError::MentorNotApproved(
            "your mentor profile is not approved yet".into(),
        ));
    }
    check_span(start, end)?;
    insert(conn, platform_id, profile.id, start, end).await
}

/// The limits of a slot's times: the start in the future, the end after it and at most
/// 8 hours later (422 naming the field).
pub fn check_span(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<(), MentorshipError> {
    if start <= Utc::now() {
        return Err(MentorshipError::Invalid(
            "start_at",
            "must be in the future".into(),
        ));
    }
    if end <= start || end - start > Duration::hours(8) {
        return Err(MentorshipError::Invalid(
            "end_at",
            "must be after start_at and at most 8 hours later".into(),
        ));
    }
    Ok(())
}

async fn insert<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    mentor_id: Uuid,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<mentor_slots::Model, MentorshipError> {
    mentor_slots::ActiveModel {
        id: Set(kernel::ids::new_id()),
        platform_id: Set(platform_id),
        mentor_id: Set(mentor_id),
        starts_at: Set(start),
        ends_at: Set(end),
        status: Set(SlotStatus::Open),
        created_at: Set(Utc::now()),
    }
    .insert(conn)
    .await
    .map_err(|e| {
        if violates(&e, "mentor_slots_no_overlap") {
            MentorshipError::SlotOverlap
        } else {
            e.into()
        }
    })
}

/// Open slots of a mentor between `from` and `to`, earliest first (at most 500).
pub async fn open_between<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    mentor_id: Uuid,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<mentor_slots::Model>, MentorshipError> {
    Ok(mentor_slots::Entity::find()
        .filter(mentor_slots::Column::PlatformId.eq(platform_id))
        .filter(mentor_slots::Column::MentorId.eq(mentor_id))
        .filter(mentor_slots::Column::Status.eq(SlotStatus::Open))
        .filter(mentor_slots::Column::StartsAt.gte(from.max(Utc::now())))
        .filter(mentor_slots::Column::StartsAt.lt(to))
        .order_by_asc(mentor_slots::Column::StartsAt)
        .limit(500)
        .all(conn)
        .await?)
}

/// One of the caller's slots, locked, if it may still change: 404 when it is not theirs or
/// was withdrawn, 409 `slot_booked` when booked, 409 `slot_expired` once it has started.
async fn lock_changeable<C: ConnectionTrait>(
    txn: &C,
    platform_id: Uuid,
    mentor_id: Uuid,
    slot_id: Uuid,
) -> Result<mentor_slots::Model, MentorshipError> {
    let slot = mentor_slots::Entity::find_by_id(slot_id)
        .filter(mentor_slots::Column::PlatformId.eq(platform_id))
        .filter(mentor_slots::Column::MentorId.eq(mentor_id))
        .lock(LockType::Update)
        .one(txn)
        .await?
        .ok_or(MentorshipError::NotFound("slot"))?;
    match slot.status {
        SlotStatus::Booked => Err(MentorshipError::SlotBooked),
        SlotStatus::Open if slot.starts_at > Utc::now() => Ok(slot),
        SlotStatus::Open | SlotStatus::Expired => Err(MentorshipError::SlotExpired),
        SlotStatus::Cancelled => Err(MentorshipError::NotFound("slot")),
    }
}

async fn withdraw_locked<C: ConnectionTrait>(
    txn: &C,
    slot: mentor_slots::Model,
) -> Result<(), MentorshipError> {
    let mut s: mentor_slots::ActiveModel = slot.into();
    s.status = Set(SlotStatus::Cancelled);
    s.update(txn).await?;
    Ok(())
}

/// Moves one of the caller's open slots (an approved mentor's) to new times, within the
/// limits of [`check_span`]; `None` keeps a time. The slot is replaced: the answer is the
/// open slot under its new id, the old id is withdrawn. Unchanged times change nothing.
/// An overlap with another of the mentor's slots is 409 `slot_overlap`.
pub async fn edit(
    db: &DatabaseConnection,
    platform_id: Uuid,
    user_id: Uuid,
    slot_id: Uuid,
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
) -> Result<mentor_slots::Model, MentorshipError> {
    let profile = profiles::of_user(db, platform_id, user_id)
        .await?
        .ok_or(MentorshipError::NotFound("slot"))?;
    let txn = db.begin().await?;
    let slot = lock_changeable(&txn, platform_id, profile.id, slot_id).await?;
    if profile.status != MentorStatus::Approved {
        return Err(MentorshipError::MentorNotApproved(
            "your mentor profile is not approved".into(),
        ));
    }
    // stored to the microsecond (the driver truncates), so compare at that precision
    let stored = |t: Option<DateTime<Utc>>, old| t.map_or(old, |t| t.trunc_subsecs(6));
    let (start, end) = (stored(start, slot.starts_at), stored(end, slot.ends_at));
    if (start, end) == (slot.starts_at, slot.ends_at) {
        return Ok(slot);
    }
    check_span(start, end)?;
    withdraw_locked(&txn, slot).await?;
    let moved = insert(&txn, platform_id, profile.id, start, end).await?;
    txn.commit().await?;
    tracing::info!(slot = %slot_id, to = %moved.id, "slot moved");
    Ok(moved)
}

/// Withdraws one of the caller's open slots (it is marked `cancelled`, no longer bookable).
pub async fn withdraw(
    db: &DatabaseConnection,
    platform_id: Uuid,
    user_id: Uuid,
    slot_id: Uuid,
) -> Result<(), MentorshipError> {
    let profile = profiles::of_user(db, platform_id, user_id)
        .await?
        .ok_or(MentorshipError::NotFound("slot"))?;
    let txn = db.begin().await?;
    let slot = lock_changeable(&txn, platform_id, profile.id, slot_id).await?;
    withdraw_locked(&txn, slot).await?;
    txn.commit().await?;
    Ok(())
}

//! Booking a slot with tokens, cancelling with the cancellation policy, and completing the
//! meeting. Each is one transaction; the slot (or booking, or meeting) row is locked first,
//! so concurrent requests queue on it and see each other's outcome.

use chrono::{Duration, Utc};
use kernel::system_config;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QuerySelect, TransactionTrait, sea_query::LockType,
};
use serde_json::json;
use tokens::ledger::holds::{self, NewHold, Settlement};
use uuid::Uuid;

use crate::{
    dto::BookingDto,
    entities::{bookings, meeting_logs, meetings, mentor_profiles, mentor_slots},
    error::MentorshipError,
};

/// Who acts on a booking or meeting.
#[derive(Debug, Clone, Copy)]
pub struct Actor {
    /// User id.
    pub user_id: Uuid,
    /// Admins may act on any booking of their platform.
    pub is_admin: bool,
}

async fn by_key(
    db: &impl sea_orm::ConnectionTrait,
    platform_id: Uuid,
    student: Uuid,
    key: &str,
) -> Result<Option<BookingDto>, MentorshipError> {
    let Some(b) = bookings::Entity::find()
        .filter(bookings::Column::PlatformId.eq(platform_id))
        .filter(bookings::Column::StudentId.eq(student))
        .filter(bookings::Column::IdempotencyKey.eq(key))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let meeting = meetings::Entity::find()
        .filter(meetings::Column::BookingId.eq(b.id))
        .one(db)
        .await?
        .ok_or(MentorshipError::NotFound("meeting"))?;
    Ok(Some(dto(&b, meeting.id)))
}

fn dto(b: &bookings::Model, meeting_id: Uuid) -> BookingDto {
    BookingDto {
        booking_id: b.id,
        meeting_id,
        slot_id: b.slot_id,
        tokens_held: b.tokens,
        status: b.status.clone(),
        refunded_tokens: b.refunded_tokens,
    }
}

/// Books `slot_id` for `student`: holds the mentor's price in tokens, books the slot and
/// creates the meeting, all or nothing. A repeated `key` returns the first booking.
/// Returns whether this call made it.
pub async fn book(
    db: &DatabaseConnection,
    platform_id: Uuid,
    student: Uuid,
    slot_id: Uuid,
    key: Option<&str>,
) -> Result<(BookingDto, bool), MentorshipError> {
    let txn = db.begin().await?;
    let slot = mentor_slots::Entity::find_by_id(slot_id)
        .filter(mentor_slots::Column::PlatformId.eq(platform_id))
        .lock(LockType::Update)
        .one(&txn)
        .await?
        .ok_or(MentorshipError::NotFound("slot"))?;
    // after the lock: a concurrent repeat of this request has committed by now
    if let Some(key) = key
        && let Some(first) = by_key(&txn, platform_id, student, key).await?
    {
        return Ok((first, false));
    }
    if slot.status != "open" || slot.starts_at <= Utc::now() {
        return Err(MentorshipError::SlotTaken);
    }
    let mentor = mentor_profiles::Entity::find_by_id(slot.mentor_id)
        .one(&txn)
        .await?
        .ok_or(MentorshipError::NotFound("mentor"))?;
    if mentor.user_id == student {
        return Err(MentorshipError::Forbidden(
            "own_slot",
            "mentors cannot book their own slots".into(),
        ));
    }
    let booking_id = kernel::ids::new_id();
    let hold = holds::place(
        &txn,
        NewHold {
            platform_id,
            user_id: student,
            amount: mentor.price_tokens,
            reference: &format!("booking:{booking_id}"),
            expires_at: Some(slot.ends_at + Duration::hours(48)),
        },
    )
    .await?;
    let now = Utc::now();
    let booking = bookings::ActiveModel {
        id: Set(booking_id),
        platform_id: Set(platform_id),
        slot_id: Set(slot.id),
        mentor_id: Set(mentor.id),
        student_id: Set(student),
        status: Set("booked".into()),
        tokens: Set(mentor.price_tokens),
        hold_id: Set(hold.id),
        idempotency_key: Set(key.map(str::to_owned)),
        cancelled_by: Set(None),
        cancel_reason: Set(None),
        refunded_tokens: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let meeting = meetings::ActiveModel {
        id: Set(kernel::ids::new_id()),
        platform_id: Set(platform_id),
        booking_id: Set(booking.id),
        mentor_user_id: Set(mentor.user_id),
        student_user_id: Set(student),
        starts_at: Set(slot.starts_at),
        ends_at: Set(slot.ends_at),
        status: Set("scheduled".into()),
        started_at: Set(None),
        ended_at: Set(None),
        completed_at: Set(None),
        completed_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let mut slot: mentor_slots::ActiveModel = slot.into();
    slot.status = Set("booked".into());
    slot.update(&txn).await?;
    txn.commit().await?;
    tracing::info!(booking = %booking.id, tokens = booking.tokens, "slot booked");
    Ok((dto(&booking, meeting.id), true))
}

/// Cancels a booking. The mentor (or an admin) cancelling refunds everything; the student
/// cancelling refunds everything before `CANCELLATION_FREE_HOURS` (default 24) ahead of the
/// start, else `LATE_CANCELLATION_REFUND_PERCENT` (default 50) and the rest goes to the
/// mentor. A student's cancellation reopens the slot.
pub async fn cancel(
    db: &DatabaseConnection,
    platform_id: Uuid,
    actor: Actor,
    booking_id: Uuid,
    reason: Option<String>,
) -> Result<BookingDto, MentorshipError> {
    let txn = db.begin().await?;
    let booking = bookings::Entity::find_by_id(booking_id)
        .filter(bookings::Column::PlatformId.eq(platform_id))
        .lock(LockType::Update)
        .one(&txn)
        .await?
        .ok_or(MentorshipError::NotFound("booking"))?;
    let meeting = meetings::Entity::find()
        .filter(meetings::Column::BookingId.eq(booking.id))
        .one(&txn)
        .await?
        .ok_or(MentorshipError::NotFound("meeting"))?;
    let is_student = actor.user_id == booking.student_id;
    let is_mentor = actor.user_id == meeting.mentor_user_id;
    if !(is_student || is_mentor || actor.is_admin) {
        return Err(MentorshipError::NotFound("booking"));
    }
    if booking.status == "cancelled" {
        return Ok(dto(&booking, meeting.id));
    }
    if booking.status != "booked" {
        return Err(MentorshipError::Conflict(
            "booking_not_active",
            format!("the booking is {}", booking.status),
        ));
    }
    let by_student = is_student && !actor.is_admin;
    let refund = if by_student {
        let free_hours = system_config::get(&txn, "CANCELLATION_FREE_HOURS")
            .await?
            .and_then(|v| v.as_i64())
            .unwrap_or(24);
        if meeting.starts_at - Utc::now() >= Duration::hours(free_hours) {
            booking.tokens
        } else {
            let percent = system_config::get(&txn, "LATE_CANCELLATION_REFUND_PERCENT")
                .await?
                .and_then(|v| v.as_i64())
                .filter(|p| (0..=100).contains(p))
                .unwrap_or(50);
            booking.tokens * percent / 100
        }
    } else {
        booking.tokens
    };
    let commission = system_config::get(&txn, "MENTOR_COMMISSION_PERCENT")
        .await?
        .and_then(|v| v.as_u64())
        .filter(|p| *p <= 100)
        .unwrap_or(20);
    holds::settle(
        &txn,
        booking.hold_id,
        Settlement {
            mentor_id: (refund < booking.tokens).then_some(meeting.mentor_user_id),
            post: booking.tokens - refund,
            commission_bps: u32::try_from(commission * 100).unwrap_or(2_000),
            refund,
        },
    )
    .await?;
    let now = Utc::now();
    let slot_id = booking.slot_id;
    let mut b: bookings::ActiveModel = booking.into();
    b.status = Set("cancelled".into());
    b.cancelled_by = Set(Some(actor.user_id));
    b.cancel_reason = Set(reason.clone());
    b.refunded_tokens = Set(Some(refund));
    b.updated_at = Set(now);
    let booking = b.update(&txn).await?;
    let meeting_id = meeting.id;
    let mut m: meetings::ActiveModel = meeting.into();
    m.status = Set("cancelled".into());
    m.updated_at = Set(now);
    m.update(&txn).await?;
    let slot = mentor_slots::Entity::find_by_id(slot_id)
        .lock(LockType::Update)
        .one(&txn)
        .await?
        .ok_or(MentorshipError::NotFound("slot"))?;
    let reopen = by_student && slot.starts_at > now;
    let mut s: mentor_slots::ActiveModel = slot.into();
    s.status = Set(if reopen { "open" } else { "cancelled" }.into());
    s.update(&txn).await?;
    log(
        &txn,
        meeting_id,
        "cancelled",
        Some(actor.user_id),
        json!({"reason": reason, "refunded": refund}),
    )
    .await?;
    txn.commit().await?;
    Ok(dto(&booking, meeting_id))
}

/// Marks a meeting held (its mentor or an admin): the hold is posted to the mentor's
/// earnings and the platform's commission. A second call changes nothing.
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
        return Err(MentorshipError::Forbidden(
            "forbidden",
            "only the mentor or an admin marks a session held".into(),
        ));
    }
    match meeting.status.as_str() {
        "completed" => return Ok(meeting),
        "cancelled" => {
            return Err(MentorshipError::Conflict(
                "meeting_cancelled",
                "the meeting was cancelled".into(),
            ));
        }
        _ => {}
    }
    let booking = bookings::Entity::find_by_id(meeting.booking_id)
        .lock(LockType::Update)
        .one(&txn)
        .await?
        .ok_or(MentorshipError::NotFound("booking"))?;
    tokens::earnings::post_session(&txn, booking.hold_id, meeting.mentor_user_id).await?;
    let now = Utc::now();
    let mut b: bookings::ActiveModel = booking.into();
    b.status = Set("completed".into());
    b.updated_at = Set(now);
    b.update(&txn).await?;
    let mut m: meetings::ActiveModel = meeting.into();
    m.status = Set("completed".into());
    m.completed_at = Set(Some(now));
    m.completed_by = Set(Some(actor.user_id));
    m.updated_at = Set(now);
    let meeting = m.update(&txn).await?;
    log(
        &txn,
        meeting.id,
        "completed",
        Some(actor.user_id),
        json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(meeting)
}

/// Appends to a meeting's log.
pub async fn log(
    conn: &impl sea_orm::ConnectionTrait,
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

/// Moves a booking to another open slot of the same mentor (its student or an admin). The
/// tokens stay held; the old slot reopens.
pub async fn reschedule(
    db: &DatabaseConnection,
    platform_id: Uuid,
    actor: Actor,
    booking_id: Uuid,
    new_slot: Uuid,
) -> Result<BookingDto, MentorshipError> {
    let txn = db.begin().await?;
    let booking = bookings::Entity::find_by_id(booking_id)
        .filter(bookings::Column::PlatformId.eq(platform_id))
        .lock(LockType::Update)
        .one(&txn)
        .await?
        .filter(|b| actor.is_admin || b.student_id == actor.user_id)
        .ok_or(MentorshipError::NotFound("booking"))?;
    if booking.status != "booked" {
        return Err(MentorshipError::Conflict(
            "booking_not_active",
            format!("the booking is {}", booking.status),
        ));
    }
    // lock both slots in id order
    let mut ids = [booking.slot_id, new_slot];
    ids.sort();
    let locked = mentor_slots::Entity::find()
        .filter(mentor_slots::Column::Id.is_in(ids))
        .filter(mentor_slots::Column::PlatformId.eq(platform_id))
        .lock(LockType::Update)
        .all(&txn)
        .await?;
    let target = locked
        .iter()
        .find(|s| s.id == new_slot)
        .cloned()
        .ok_or(MentorshipError::NotFound("slot"))?;
    if target.mentor_id != booking.mentor_id {
        return Err(MentorshipError::Invalid(
            "slot_id",
            "must be a slot of the same mentor".into(),
        ));
    }
    if target.status != "open" || target.starts_at <= Utc::now() {
        return Err(MentorshipError::SlotTaken);
    }
    let old = locked
        .iter()
        .find(|s| s.id == booking.slot_id)
        .cloned()
        .ok_or(MentorshipError::NotFound("slot"))?;
    let mut o: mentor_slots::ActiveModel = old.clone().into();
    o.status = Set(if old.starts_at > Utc::now() {
        "open"
    } else {
        "expired"
    }
    .into());
    o.update(&txn).await?;
    let mut t: mentor_slots::ActiveModel = target.clone().into();
    t.status = Set("booked".into());
    t.update(&txn).await?;
    let mut b: bookings::ActiveModel = booking.into();
    b.slot_id = Set(target.id);
    b.updated_at = Set(Utc::now());
    let booking = b.update(&txn).await?;
    let meeting = meetings::Entity::find()
        .filter(meetings::Column::BookingId.eq(booking.id))
        .one(&txn)
        .await?
        .ok_or(MentorshipError::NotFound("meeting"))?;
    let meeting_id = meeting.id;
    let mut m: meetings::ActiveModel = meeting.into();
    m.starts_at = Set(target.starts_at);
    m.ends_at = Set(target.ends_at);
    m.updated_at = Set(Utc::now());
    m.update(&txn).await?;
    log(
        &txn,
        meeting_id,
        "rescheduled",
        Some(actor.user_id),
        json!({"from": old.starts_at, "to": target.starts_at}),
    )
    .await?;
    txn.commit().await?;
    Ok(dto(&booking, meeting_id))
}

//! Booking a slot with tokens, cancelling with the cancellation policy, and completing the
//! meeting. Each is one transaction; the slot (or booking, or meeting) row is locked first,
//! so concurrent requests queue on it and see each other's outcome.

use chrono::{DateTime, Duration, Utc};
use comms::email::Template;
use kernel::{AppContext, Tenant};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait,
    FromQueryResult, QueryFilter, QuerySelect, Statement, TransactionTrait, sea_query::LockType,
};
use serde_json::json;
use tokens::ledger::holds::{self, NewHold, Settlement};
use uuid::Uuid;

use crate::entities::{BookingStatus, MeetingStatus, SlotStatus};
use crate::{
    dto::BookingDto,
    entities::{bookings, meetings, mentor_profiles, mentor_slots},
    error::MentorshipError,
    service::{
        calendar_events::{CalendarAction, CalendarEvent},
        meeting_log::log,
        notices,
    },
    settings,
};

pub use super::actor::Actor;

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

pub(crate) fn dto(b: &bookings::Model, meeting_id: Uuid) -> BookingDto {
    BookingDto {
        booking_id: b.id,
        meeting_id,
        slot_id: b.slot_id,
        tokens_held: b.tokens,
        status: b.status,
        refunded_tokens: b.refunded_tokens,
    }
}

/// Books `slot_id` for `student`: holds the mentor's price in tokens, books the slot and
/// creates the meeting, all or nothing. A repeated `key` returns the first booking.
/// The confirmations (email and in-app) to both participants and the delayed reminders are
/// queued through the outbox in the same transaction. Returns whether this call made it.
pub async fn book(
    ctx: &AppContext,
    tenant: &Tenant,
    student: Uuid,
    slot_id: Uuid,
    key: Option<&str>,
) -> Result<(BookingDto, bool), MentorshipError> {
    let platform_id = tenant.id;
    let txn = ctx.db.begin().await?;
    // the slot is taken and its mentor read in one statement; its row lock queues a
    // concurrent booking of the same slot, which then finds it taken
    let taken = txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE mentor_slots s SET status = 'booked'
               FROM mentor_profiles m
              WHERE s.id = $1 AND s.platform_id = $2 AND s.status = 'open'
                AND s.starts_at > now() AND m.id = s.mentor_id
             RETURNING m.*, s.starts_at AS slot_starts_at, s.ends_at AS slot_ends_at",
            [slot_id.into(), platform_id.into()],
        ))
        .await?;
    // after the lock: a concurrent repeat of this request has committed by now (returning
    // early drops the transaction, so the slot is not taken twice)
    if let Some(key) = key
        && let Some(first) = by_key(&txn, platform_id, student, key).await?
    {
        return Ok((first, false));
    }
    let Some(row) = taken else {
        let exists = mentor_slots::Entity::find_by_id(slot_id)
            .filter(mentor_slots::Column::PlatformId.eq(platform_id))
            .one(&txn)
            .await?
            .is_some();
        return Err(if exists {
            MentorshipError::SlotTaken
        } else {
            MentorshipError::NotFound("slot")
        });
    };
    let mentor = mentor_profiles::Model::from_query_result(&row, "")?;
    let starts_at: DateTime<Utc> = row.try_get("", "slot_starts_at")?;
    let ends_at: DateTime<Utc> = row.try_get("", "slot_ends_at")?;
    if mentor.user_id == student {
        return Err(MentorshipError::OwnSlot);
    }
    let booking_id = kernel::ids::new_id();
    let hold = holds::place(
        &txn,
        NewHold {
            platform_id,
            user_id: student,
            amount: mentor.price_tokens,
            reference: &format!("booking:{booking_id}"),
            expires_at: Some(ends_at + Duration::hours(48)),
        },
    )
    .await?;
    let now = Utc::now();
    let booking = bookings::ActiveModel {
        id: Set(booking_id),
        platform_id: Set(platform_id),
        slot_id: Set(slot_id),
        mentor_id: Set(mentor.id),
        student_id: Set(student),
        status: Set(BookingStatus::Booked),
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
        starts_at: Set(starts_at),
        ends_at: Set(ends_at),
        status: Set(MeetingStatus::Scheduled),
        started_at: Set(None),
        ended_at: Set(None),
        completed_at: Set(None),
        completed_by: Set(None),
        plan_version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let mut out = notices::Outgoing::for_booking(&txn, tenant, &meeting, &mentor).await?;
    out.emails(ctx, Template::MeetingBooked, json!({}))?;
    out.in_app(notices::InApp::Booked)?;
    out.plan()?;
    out.job(&CalendarEvent::of(&meeting, CalendarAction::Create))?;
    out.write(&txn).await?;
    txn.commit().await?;
    tracing::info!(booking = %booking.id, tokens = booking.tokens, "slot booked");
    Ok((dto(&booking, meeting.id), true))
}

/// Cancels a booking. The mentor (or an admin) cancelling refunds everything; the student
/// cancelling refunds everything before `CANCELLATION_FREE_HOURS` (default 24) ahead of the
/// start, else `LATE_CANCELLATION_REFUND_PERCENT` (default 50) and the rest goes to the
/// mentor. A student's cancellation reopens the slot. Both participants are emailed and
/// notified in-app; the planned reminders become no-ops (the meeting is cancelled and its
/// plan version bumped).
pub async fn cancel(
    ctx: &AppContext,
    tenant: &Tenant,
    actor: Actor,
    booking_id: Uuid,
    reason: Option<String>,
) -> Result<BookingDto, MentorshipError> {
    let platform_id = tenant.id;
    let txn = ctx.db.begin().await?;
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
    if booking.status == BookingStatus::Cancelled {
        return Ok(dto(&booking, meeting.id));
    }
    if booking.status != BookingStatus::Booked {
        return Err(MentorshipError::BookingNotActive(format!(
            "the booking is {}",
            booking.status
        )));
    }
    let by_student = is_student && !actor.is_admin;
    // once the start has passed (or anyone joined), the session is settled by who attended
    // (see `settle`), never by a student's late cancellation after taking part
    let started = meeting.started_at.is_some()
        || matches!(meeting.status, MeetingStatus::Live | MeetingStatus::Ended)
        || Utc::now() >= meeting.starts_at;
    if by_student && started {
        return Err(MentorshipError::MeetingStarted);
    }
    let refund = if by_student {
        let free_hours = settings::CANCELLATION_FREE_HOURS
            .int_value(&txn, platform_id)
            .await?;
        if meeting.starts_at - Utc::now() >= Duration::hours(free_hours) {
            booking.tokens
        } else {
            let percent = settings::LATE_CANCELLATION_REFUND_PERCENT
                .int_value(&txn, platform_id)
                .await?;
            booking.tokens * percent / 100
        }
    } else {
        booking.tokens
    };
    let commission = tokens::settings::COMMISSION_PERCENT
        .int_value(&txn, platform_id)
        .await?;
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
    b.status = Set(BookingStatus::Cancelled);
    b.cancelled_by = Set(Some(actor.user_id));
    b.cancel_reason = Set(reason.clone());
    b.refunded_tokens = Set(Some(refund));
    b.updated_at = Set(now);
    let booking = b.update(&txn).await?;
    let meeting_id = meeting.id;
    let plan = meeting.plan_version + 1;
    let mut m: meetings::ActiveModel = meeting.into();
    m.status = Set(MeetingStatus::Cancelled);
    m.plan_version = Set(plan);
    m.updated_at = Set(now);
    let meeting = m.update(&txn).await?;
    let mut out = notices::Outgoing::for_meeting(&txn, tenant, &meeting).await?;
    out.emails(ctx, Template::MeetingCancelled, json!({"reason": reason}))?;
    out.in_app(notices::InApp::Cancelled)?;
    out.job(&CalendarEvent::of(&meeting, CalendarAction::Delete))?;
    out.write(&txn).await?;
    let slot = mentor_slots::Entity::find_by_id(slot_id)
        .lock(LockType::Update)
        .one(&txn)
        .await?
        .ok_or(MentorshipError::NotFound("slot"))?;
    let reopen = by_student && slot.starts_at > now;
    let mut s: mentor_slots::ActiveModel = slot.into();
    s.status = Set(if reopen {
        SlotStatus::Open
    } else {
        SlotStatus::Cancelled
    });
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

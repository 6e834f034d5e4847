//! Booking a slot with tokens, cancelling with the cancellation policy, and completing the
//! meeting. Each is one transaction; the slot (or booking, or meeting) row is locked first,
//! so concurrent requests queue on it and see each other's outcome.

use std::sync::LazyLock;

use chrono::{DateTime, Duration, SubsecRound, Utc};
use comms::email::Template;
use identity::entities::users;
use kernel::{AppContext, Tenant};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait,
    FromQueryResult, IdenStatic, Iterable, QueryFilter, QuerySelect, Statement, TransactionTrait,
    sea_query::LockType,
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

/// Takes an open slot (`$1` on platform `$2`) for student `$3`, returning the mentor's
/// profile (`m.*`), the slot's times, both participants' user rows (`mu_*`, `su_*`; null
/// when missing) and whether the mentor's Google Calendar is connected.
static TAKE_SLOT: LazyLock<String> = LazyLock::new(|| {
    let people = users::Column::iter()
        .flat_map(|c| {
            let c = c.as_str();
            [format!("mu.{c} AS mu_{c}"), format!("su.{c} AS su_{c}")]
        })
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "UPDATE mentor_slots s SET status = 'booked'
           FROM mentor_profiles m
           LEFT JOIN users mu ON mu.id = m.user_id AND mu.platform_id = m.platform_id
           LEFT JOIN users su ON su.id = $3 AND su.platform_id = $2
          WHERE s.id = $1 AND s.platform_id = $2 AND s.status = 'open'
            AND s.starts_at > now() AND m.id = s.mentor_id
         RETURNING m.*, s.starts_at AS slot_starts_at, s.ends_at AS slot_ends_at, {people},
           EXISTS (SELECT 1 FROM google_calendar_connections c
                    WHERE c.platform_id = $2 AND c.user_id = m.user_id) AS calendar_connected"
    )
});

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
    // the slot is taken, and its mentor, both participants and whether the mentor's
    // calendar is connected read, in one statement; its row lock queues a concurrent
    // booking of the same slot, which then finds it taken
    let taken = txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            TAKE_SLOT.as_str(),
            [slot_id.into(), platform_id.into(), student.into()],
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
    let calendar_connected: bool = row.try_get("", "calendar_connected")?;
    if mentor.user_id == student {
        return Err(MentorshipError::OwnSlot);
    }
    let person = |prefix: &str| -> Result<Option<users::Model>, MentorshipError> {
        let id: Option<Uuid> = row.try_get(prefix, "id")?;
        Ok(match id {
            Some(_) => Some(users::Model::from_query_result(&row, prefix)?),
            None => None,
        })
    };
    let (Some(mut mentor_user), Some(student_user)) = (person("mu_")?, person("su_")?) else {
        return Err(MentorshipError::NotFound("participant"));
    };
    notices::named(&mut mentor_user, &mentor);
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
    // as stored (microseconds), so the models below are what a read would return
    let now = Utc::now().trunc_subsecs(6);
    let booking = bookings::Model {
        id: booking_id,
        platform_id,
        slot_id,
        mentor_id: mentor.id,
        student_id: student,
        status: BookingStatus::Booked,
        tokens: mentor.price_tokens,
        hold_id: hold.id,
        idempotency_key: key.map(str::to_owned),
        cancelled_by: None,
        cancel_reason: None,
        refunded_tokens: None,
        created_at: now,
        updated_at: now,
    };
    let meeting = meetings::Model {
        id: kernel::ids::new_id(),
        platform_id,
        booking_id,
        mentor_user_id: mentor.user_id,
        student_user_id: student,
        starts_at,
        ends_at,
        status: MeetingStatus::Scheduled,
        started_at: None,
        ended_at: None,
        completed_at: None,
        completed_by: None,
        plan_version: 1,
        created_at: now,
        updated_at: now,
    };
    let mut out = notices::Outgoing::with_people(tenant, &meeting, mentor_user, student_user);
    out.emails(ctx, Template::MeetingBooked, json!({}))?;
    out.in_app(notices::InApp::Booked)?;
    out.plan()?;
    // a mentor without a connected calendar gets no calendar job (it would be a no-op)
    if calendar_connected {
        out.job(&CalendarEvent::of(&meeting, CalendarAction::Create))?;
    }
    // the booking, its meeting and their jobs' outbox row in one statement (the meeting's
    // foreign key is checked at the end of the statement, when the booking is there)
    out.write_after(
        &txn,
        "b AS (
           INSERT INTO bookings (id, platform_id, slot_id, mentor_id, student_id, status, tokens,
                                 hold_id, idempotency_key, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, 'booked', $6, $7, $8, $9, $9)),
         m AS (
           INSERT INTO meetings (id, platform_id, booking_id, mentor_user_id, student_user_id,
                                 starts_at, ends_at, status, plan_version, created_at, updated_at)
           VALUES ($10, $2, $1, $11, $5, $12, $13, 'scheduled', 1, $9, $9))",
        vec![
            booking.id.into(),
            platform_id.into(),
            slot_id.into(),
            mentor.id.into(),
            student.into(),
            booking.tokens.into(),
            hold.id.into(),
            booking.idempotency_key.clone().into(),
            now.into(),
            meeting.id.into(),
            meeting.mentor_user_id.into(),
            starts_at.into(),
            ends_at.into(),
        ],
    )
    .await?;
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

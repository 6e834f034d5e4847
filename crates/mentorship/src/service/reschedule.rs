//! Moving a booking to another open slot of the same mentor, in one transaction with both
//! slot rows locked in id order.

use chrono::Utc;
use comms::email::Template;
use kernel::{AppContext, Tenant};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QuerySelect,
    TransactionTrait, sea_query::LockType,
};
use serde_json::json;
use uuid::Uuid;

use super::{
    booking::{Actor, dto},
    meeting_log::log,
    notices,
};
use crate::entities::{BookingStatus, SlotStatus};
use crate::{
    dto::BookingDto,
    entities::{bookings, meetings, mentor_slots},
    error::MentorshipError,
};

/// Moves a booking to another open slot of the same mentor (its student or an admin). The
/// tokens stay held; the old slot reopens. The meeting's notices are re-planned for the new
/// time (the old ones become no-ops) and both participants get the new time by email.
pub async fn reschedule(
    ctx: &AppContext,
    tenant: &Tenant,
    actor: Actor,
    booking_id: Uuid,
    new_slot: Uuid,
) -> Result<BookingDto, MentorshipError> {
    let platform_id = tenant.id;
    let txn = ctx.db.begin().await?;
    let booking = bookings::Entity::find_by_id(booking_id)
        .filter(bookings::Column::PlatformId.eq(platform_id))
        .lock(LockType::Update)
        .one(&txn)
        .await?
        .filter(|b| actor.is_admin || b.student_id == actor.user_id)
        .ok_or(MentorshipError::NotFound("booking"))?;
    if booking.status != BookingStatus::Booked {
        return Err(MentorshipError::BookingNotActive(format!(
            "the booking is {}",
            booking.status
        )));
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
    if target.status != SlotStatus::Open || target.starts_at <= Utc::now() {
        return Err(MentorshipError::SlotTaken);
    }
    let old = locked
        .iter()
        .find(|s| s.id == booking.slot_id)
        .cloned()
        .ok_or(MentorshipError::NotFound("slot"))?;
    let mut o: mentor_slots::ActiveModel = old.clone().into();
    o.status = Set(if old.starts_at > Utc::now() {
        SlotStatus::Open
    } else {
        SlotStatus::Expired
    });
    o.update(&txn).await?;
    let mut t: mentor_slots::ActiveModel = target.clone().into();
    t.status = Set(SlotStatus::Booked);
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
    let plan = meeting.plan_version + 1;
    let mut m: meetings::ActiveModel = meeting.into();
    m.starts_at = Set(target.starts_at);
    m.ends_at = Set(target.ends_at);
    m.plan_version = Set(plan);
    m.updated_at = Set(Utc::now());
    let meeting = m.update(&txn).await?;
    let mut out = notices::Outgoing::for_meeting(&txn, tenant, &meeting).await?;
    out.plan()?;
    out.job(&super::calendar_events::CalendarEvent::of(
        &meeting,
        super::calendar_events::CalendarAction::Reschedule,
    ))?;
    out.emails(
        ctx,
        Template::MeetingBooked,
        json!({"title": "your rescheduled mentorship session"}),
    )?;
    out.write(&txn).await?;
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

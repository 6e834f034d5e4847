//! Availability: a mentor opens slots (the database refuses overlaps), clients list the open
//! ones.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::profiles;
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
    let profile =
        profiles::of_user(conn, platform_id, user_id)
            .await?
            .ok_or(MentorshipError::Forbidden(
                "mentor_not_approved",
                "apply as a mentor first".into(),
            ))?;
    if profile.status != "approved" {
        return Err(MentorshipError::Forbidden(
            "mentor_not_approved",
            "your mentor profile is not approved yet".into(),
        ));
    }
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
    mentor_slots::ActiveModel {
        id: Set(kernel::ids::new_id()),
        platform_id: Set(platform_id),
        mentor_id: Set(profile.id),
        starts_at: Set(start),
        ends_at: Set(end),
        status: Set("open".into()),
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
        .filter(mentor_slots::Column::Status.eq("open"))
        .filter(mentor_slots::Column::StartsAt.gte(from.max(Utc::now())))
        .filter(mentor_slots::Column::StartsAt.lt(to))
        .order_by_asc(mentor_slots::Column::StartsAt)
        .limit(500)
        .all(conn)
        .await?)
}

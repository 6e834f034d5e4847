//! Live classes of a course (optionally one batch): admin CRUD with the recording key set
//! after the class, the student's list (their course and batch), joining within the window
//! (from [`JOIN_OPENS_MINUTES_BEFORE`] minutes before the start until the end) with
//! attendance recorded once, and the admin's attendance list.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use kernel::Tenant;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbBackend,
    EntityTrait, ModelTrait, QueryFilter, QueryOrder, Statement,
};
use storage::Storage;
use uuid::Uuid;

use crate::{
    dto::live_classes::{Attendance, Joined, LiveClassDto, LiveClassUpdate, NewLiveClass},
    entities::{EnrollmentStatus, batches, live_classes},
    error::LmsError,
    service::{courses, enrollment, files},
};

/// How long before the start a class can be joined.
pub const JOIN_OPENS_MINUTES_BEFORE: i64 = 15;

/// The class `id` of a course of the platform.
pub async fn find<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    course_id: Uuid,
    id: Uuid,
) -> Result<live_classes::Model, LmsError> {
    live_classes::Entity::find_by_id(id)
        .filter(live_classes::Column::PlatformId.eq(platform_id))
        .filter(live_classes::Column::CourseId.eq(course_id))
        .one(conn)
        .await?
        .ok_or(LmsError::NotFound("live class"))
}

fn check_times(starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> Result<(), LmsError> {
    if ends_at <= starts_at || ends_at - starts_at > Duration::hours(24) {
        return Err(LmsError::Invalid(
            "ends_at",
            "must be after starts_at and at most 24 hours later".into(),
        ));
    }
    Ok(())
}

fn check_url(url: &str) -> Result<(), LmsError> {
    if url.starts_with("https://") || url.starts_with("http://") {
        Ok(())
    } else {
        Err(LmsError::Invalid(
            "join_url",
            "must be an http(s) URL".into(),
        ))
    }
}

/// Schedules a class.
pub async fn create<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    admin_id: Uuid,
    course_id: Uuid,
    req: NewLiveClass,
) -> Result<live_classes::Model, LmsError> {
    courses::find(conn, platform_id, course_id).await?;
    check_times(req.starts_at, req.ends_at)?;
    check_url(&req.join_url)?;
    if let Some(batch) = req.batch_id {
        batches::Entity::find_by_id(batch)
            .filter(batches::Column::PlatformId.eq(platform_id))
            .filter(batches::Column::CourseId.eq(course_id))
            .one(conn)
            .await?
            .ok_or_else(|| LmsError::Invalid("batch_id", "no such batch of this course".into()))?;
    }
    let now = Utc::now();
    Ok(live_classes::ActiveModel {
        id: Set(kernel::ids::new_id()),
        platform_id: Set(platform_id),
        course_id: Set(course_id),
        batch_id: Set(req.batch_id),
        title: Set(req.title.trim().to_owned()),
        description: Set(req.description),
        starts_at: Set(req.starts_at),
        ends_at: Set(req.ends_at),
        join_url: Set(req.join_url),
        recording_key: Set(None),
        created_by: Set(Some(admin_id)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(conn)
    .await?)
}

/// Every class of a course, by start.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    course_id: Uuid,
) -> Result<Vec<live_classes::Model>, LmsError> {
    courses::find(conn, platform_id, course_id).await?;
    Ok(live_classes::Entity::find()
        .filter(live_classes::Column::PlatformId.eq(platform_id))
        .filter(live_classes::Column::CourseId.eq(course_id))
        .order_by_asc(live_classes::Column::StartsAt)
        .order_by_asc(live_classes::Column::Id)
        .all(conn)
        .await?)
}

/// Changes a class; a recording key must be a stored object of this platform.
pub async fn update<C: ConnectionTrait>(
    conn: &C,
    store: &Storage,
    tenant: &Tenant,
    course_id: Uuid,
    id: Uuid,
    req: LiveClassUpdate,
) -> Result<live_classes::Model, LmsError> {
    let c = find(conn, tenant.id, course_id, id).await?;
    check_times(
        req.starts_at.unwrap_or(c.starts_at),
        req.ends_at.unwrap_or(c.ends_at),
    )?;
    if let Some(url) = &req.join_url {
        check_url(url)?;
    }
    if let Some(key) = &req.recording_key {
        files::stored(store, tenant, "recording_key", key).await?;
    }
    let mut active: live_classes::ActiveModel = c.into();
    if let Some(v) = req.title {
        active.title = Set(v.trim().to_owned());
    }
    if let Some(v) = req.description {
        active.description = Set(v);
    }
    if let Some(v) = req.starts_at {
        active.starts_at = Set(v);
    }
    if let Some(v) = req.ends_at {
        active.ends_at = Set(v);
    }
    if let Some(v) = req.join_url {
        active.join_url = Set(v);
    }
    if let Some(v) = req.recording_key {
        active.recording_key = Set(Some(v));
    }
    active.updated_at = Set(Utc::now());
    Ok(active.update(conn).await?)
}

/// Deletes a class (and its attendance).
pub async fn delete<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    course_id: Uuid,
    id: Uuid,
) -> Result<(), LmsError> {
    find(conn, platform_id, course_id, id)
        .await?
        .delete(conn)
        .await?;
    Ok(())
}

/// The class as an admin sees it: the join URL and a signed recording URL.
pub async fn admin_dto(store: &Storage, c: live_classes::Model) -> LiveClassDto {
    let recording = match &c.recording_key {
        Some(k) => files::signed_url(store, k).await,
        None => None,
    };
    LiveClassDto {
        recording_url: recording,
        ..LiveClassDto::admin(c)
    }
}

/// The classes a student sees: the course's and their batch's; upcoming (and running) ones
/// soonest first, or (`past`) the ones that are over, newest first, with recordings.
pub async fn for_student<C: ConnectionTrait>(
    conn: &C,
    store: &Storage,
    platform_id: Uuid,
    user_id: Uuid,
    course_id: Uuid,
    past: bool,
) -> Result<Vec<LiveClassDto>, LmsError> {
    courses::find(conn, platform_id, course_id).await?;
    let batch = enrollment::of_user(conn, platform_id, user_id, course_id)
        .await?
        .filter(|e| e.status == EnrollmentStatus::Active)
        .and_then(|e| e.batch_id);
    let mut visible = Condition::any().add(live_classes::Column::BatchId.is_null());
    if let Some(b) = batch {
        visible = visible.add(live_classes::Column::BatchId.eq(b));
    }
    let now = Utc::now();
    let mut q = live_classes::Entity::find()
        .filter(live_classes::Column::PlatformId.eq(platform_id))
        .filter(live_classes::Column::CourseId.eq(course_id))
        .filter(visible);
    q = if past {
        q.filter(live_classes::Column::EndsAt.lte(now))
            .order_by_desc(live_classes::Column::StartsAt)
    } else {
        q.filter(live_classes::Column::EndsAt.gt(now))
            .order_by_asc(live_classes::Column::StartsAt)
    };
    let rows = q.order_by_asc(live_classes::Column::Id).all(conn).await?;
    let attended: HashSet<Uuid> = conn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT a.live_class_id FROM live_class_attendance a
               JOIN live_classes c ON c.id = a.live_class_id
              WHERE a.user_id = $1 AND c.course_id = $2",
            [user_id.into(), course_id.into()],
        ))
        .await?
        .into_iter()
        .filter_map(|r| r.try_get::<Uuid>("", "live_class_id").ok())
        .collect();
    let mut out = Vec::with_capacity(rows.len());
    for c in rows {
        let id = c.id;
        let mut dto = admin_dto(store, c).await;
        dto.join_url = None;
        dto.attended = Some(attended.contains(&id));
        out.push(dto);
    }
    Ok(out)
}

/// Joins a class at `now`: within the window, attendance is recorded once (a repeat keeps
/// the first time) and the join URL answered; before it 409 `class_not_started`, after it
/// 409 `class_ended`. A class of another batch is 404; no active enrolment 403. The first
/// join publishes `live_class.attended` (call it in a transaction).
pub async fn join<C: ConnectionTrait>(
    conn: &C,
    tenant: &kernel::Tenant,
    user_id: Uuid,
    course_id: Uuid,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Joined, LmsError> {
    let platform_id = tenant.id;
    courses::find(conn, platform_id, course_id).await?;
    let c = find(conn, platform_id, course_id, id).await?;
    let enrolment = enrollment::of_user(conn, platform_id, user_id, course_id)
        .await?
        .filter(|e| e.status == EnrollmentStatus::Active)
        .ok_or(LmsError::NotEnrolled)?;
    if c.batch_id.is_some() && c.batch_id != enrolment.batch_id {
        return Err(LmsError::NotFound("live class"));
    }
    let opens = c.starts_at - Duration::minutes(JOIN_OPENS_MINUTES_BEFORE);
    if now < opens {
        return Err(LmsError::ClassNotStarted(opens.to_rfc3339()));
    }
    if now >= c.ends_at {
        return Err(LmsError::ClassEnded);
    }
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "WITH ins AS (
                INSERT INTO live_class_attendance (live_class_id, user_id, platform_id, joined_at)
                VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING joined_at)
             SELECT joined_at, true AS fresh FROM ins
             UNION ALL
             SELECT joined_at, false FROM live_class_attendance WHERE live_class_id = $1 AND user_id = $2
             LIMIT 1",
            [c.id.into(), user_id.into(), platform_id.into(), now.into()],
        ))
        .await?
        .ok_or(LmsError::NotFound("attendance"))?;
    let joined_at: DateTime<Utc> = row.try_get("", "joined_at")?;
    if row.try_get::<bool>("", "fresh")? {
        jobs::outbox::publish_in(
            conn,
            tenant,
            &crate::events::LiveClassAttended {
                live_class_id: c.id,
                course_id,
                user_id,
                joined_at,
            },
        )
        .await?;
    }
    Ok(Joined {
        live_class_id: c.id,
        join_url: c.join_url,
        joined_at,
    })
}

/// [`join`] in its own transaction (the event commits with the attendance row).
pub async fn join_committed(
    db: &sea_orm::DatabaseConnection,
    tenant: &Tenant,
    user_id: Uuid,
    course_id: Uuid,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Joined, LmsError> {
    use sea_orm::TransactionTrait;
    let txn = db.begin().await?;
    let joined = join(&txn, tenant, user_id, course_id, id, now).await?;
    txn.commit().await?;
    Ok(joined)
}

/// Who attended a class, in join order (ADMIN).
pub async fn attendance<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    course_id: Uuid,
    id: Uuid,
) -> Result<Vec<Attendance>, LmsError> {
    let c = find(conn, platform_id, course_id, id).await?;
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT a.user_id, u.full_name, u.email, a.joined_at
               FROM live_class_attendance a JOIN users u ON u.id = a.user_id
              WHERE a.live_class_id = $1
              ORDER BY a.joined_at, a.user_id",
            [c.id.into()],
        ))
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(Attendance {
            user_id: r.try_get("", "user_id")?,
            full_name: r.try_get("", "full_name")?,
            email: r.try_get("", "email")?,
            joined_at: r.try_get("", "joined_at")?,
        });
    }
    Ok(out)
}

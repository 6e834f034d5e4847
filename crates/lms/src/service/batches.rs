//! Batches of a course: create (with a batch lead who holds the capability), list.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait,
    QueryFilter, QueryOrder, Statement,
};
use uuid::Uuid;

use crate::{
    dto::courses::NewBatch,
    entities::batches,
    error::{LmsError, violates},
    service::courses,
    settings,
};

/// Whether `user_id` is a user of the platform who may lead a batch (the batch-lead
/// capability, or an admin).
pub async fn can_lead<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
) -> Result<bool, LmsError> {
    Ok(conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 AS ok FROM users WHERE id = $1 AND platform_id = $2 AND status = 'active'
               AND (role IN ('ADMIN', 'SUPERADMIN') OR capabilities ? 'batch_lead')",
            [user_id.into(), platform_id.into()],
        ))
        .await?
        .is_some())
}

/// Creates a batch of a course of the platform.
pub async fn create<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    course_id: Uuid,
    req: NewBatch,
) -> Result<batches::Model, LmsError> {
    courses::find(conn, platform_id, course_id).await?;
    if let Some(ends) = req.ends_on
        && ends < req.starts_on
    {
        return Err(LmsError::Invalid(
            "ends_on",
            "must be on or after starts_on".into(),
        ));
    }
    if let Some(lead) = req.batch_lead_id
        && !can_lead(conn, platform_id, lead).await?
    {
        return Err(LmsError::Invalid(
            "batch_lead_id",
            "must be an active user of this platform with the batch-lead capability".into(),
        ));
    }
    let capacity = match req.capacity {
        Some(c) => c,
        None => {
            let c = settings::BATCH_DEFAULT_CAPACITY
                .int_value(conn, platform_id)
                .await?;
            i32::try_from(c).unwrap_or(60)
        }
    };
    batches::ActiveModel {
        id: Set(kernel::ids::new_id()),
        platform_id: Set(platform_id),
        course_id: Set(course_id),
        name: Set(req.name.trim().to_owned()),
        starts_on: Set(req.starts_on),
        ends_on: Set(req.ends_on),
        batch_lead_id: Set(req.batch_lead_id),
        capacity: Set(capacity),
        seats_taken: Set(0),
        created_at: Set(Utc::now()),
    }
    .insert(conn)
    .await
    .map_err(|e| {
        if violates(&e, "batches_name_unique") {
            LmsError::BatchNameTaken
        } else {
            e.into()
        }
    })
}

/// The batch `id` of a course of the platform (422 on `batch_id` when there is none).
pub async fn find<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    course_id: Uuid,
    id: Uuid,
) -> Result<batches::Model, LmsError> {
    batches::Entity::find_by_id(id)
        .filter(batches::Column::PlatformId.eq(platform_id))
        .filter(batches::Column::CourseId.eq(course_id))
        .one(conn)
        .await?
        .ok_or_else(|| LmsError::Invalid("batch_id", "no such batch of this course".into()))
}

/// A course's batches by start date.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    course_id: Uuid,
) -> Result<Vec<batches::Model>, LmsError> {
    courses::find(conn, platform_id, course_id).await?;
    Ok(batches::Entity::find()
        .filter(batches::Column::PlatformId.eq(platform_id))
        .filter(batches::Column::CourseId.eq(course_id))
        .order_by_asc(batches::Column::StartsOn)
        .order_by_asc(batches::Column::Id)
        .all(conn)
        .await?)
}

/// Takes one seat of a batch of the course, under the row's lock: 409 `batch_full` when
/// none is left. Concurrent takers queue on the row, so the seats never exceed the
/// capacity (and a CHECK holds it too).
pub async fn take_seat<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    course_id: Uuid,
    batch_id: Uuid,
) -> Result<(), LmsError> {
    let taken = conn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE batches SET seats_taken = seats_taken + 1
              WHERE id = $1 AND platform_id = $2 AND course_id = $3 AND seats_taken < capacity",
            [batch_id.into(), platform_id.into(), course_id.into()],
        ))
        .await?
        .rows_affected();
    if taken == 1 {
        return Ok(());
    }
    let exists = batches::Entity::find_by_id(batch_id)
        .filter(batches::Column::PlatformId.eq(platform_id))
        .filter(batches::Column::CourseId.eq(course_id))
        .one(conn)
        .await?
        .is_some();
    Err(if exists {
        LmsError::BatchFull
    } else {
        LmsError::Invalid("batch_id", "no such batch of this course".into())
    })
}

/// Gives a seat back (a student moved to another batch or revoked).
pub async fn release_seat<C: ConnectionTrait>(conn: &C, batch_id: Uuid) -> Result<(), LmsError> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE batches SET seats_taken = seats_taken - 1 WHERE id = $1 AND seats_taken > 0",
        [batch_id.into()],
    ))
    .await?;
    Ok(())
}

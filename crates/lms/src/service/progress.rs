//! Progress per content item and per course, and the enrolled student's course page.

use std::collections::HashSet;

use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, Statement};
use storage::{ObjectKey, Storage};
use uuid::Uuid;

use crate::{
    dto::{
        courses::ItemDto,
        enrollments::{EnrollmentDto, ItemCompleted, Progress, StudentCourse},
    },
    entities::{EnrollmentStatus, course_items, enrollments, item_progress},
    error::LmsError,
    service::{courses, enrollment, outline},
};

/// Items completed and items in the course, for one enrolment (one statement).
pub async fn of_enrollment<C: ConnectionTrait>(
    conn: &C,
    enrollment: &enrollments::Model,
) -> Result<Progress, LmsError> {
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT (SELECT count(*) FROM item_progress WHERE enrollment_id = $1) AS done,
                    (SELECT count(*) FROM course_items WHERE course_id = $2) AS total",
            [enrollment.id.into(), enrollment.course_id.into()],
        ))
        .await?
        .ok_or(LmsError::NotFound("course"))?;
    Ok(Progress::of(
        row.try_get("", "done")?,
        row.try_get("", "total")?,
    ))
}

async fn active_enrollment<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
    course_id: Uuid,
) -> Result<enrollments::Model, LmsError> {
    enrollment::of_user(conn, platform_id, user_id, course_id)
        .await?
        .filter(|e| e.status == EnrollmentStatus::Active)
        .ok_or(LmsError::NotEnrolled)
}

/// Marks a content item of the course complete for the enrolled student (once: a repeat
/// keeps the first time; the first time publishes `lesson.completed`, so call it in a
/// transaction) and answers the course's progress.
pub async fn complete_item<C: ConnectionTrait>(
    conn: &C,
    tenant: &kernel::Tenant,
    user_id: Uuid,
    course_id: Uuid,
    item_id: Uuid,
) -> Result<ItemCompleted, LmsError> {
    let platform_id = tenant.id;
    courses::find(conn, platform_id, course_id).await?;
    let enrolment = active_enrollment(conn, platform_id, user_id, course_id).await?;
    course_items::Entity::find_by_id(item_id)
        .filter(course_items::Column::CourseId.eq(course_id))
        .one(conn)
        .await?
        .ok_or(LmsError::NotFound("item"))?;
    let inserted = conn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO item_progress (enrollment_id, item_id, platform_id, user_id, course_id)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            [
                enrolment.id.into(),
                item_id.into(),
                platform_id.into(),
                user_id.into(),
                course_id.into(),
            ],
        ))
        .await?
        .rows_affected()
        > 0;
    let done = item_progress::Entity::find_by_id((enrolment.id, item_id))
        .one(conn)
        .await?
        .ok_or(LmsError::NotFound("item"))?;
    if inserted {
        jobs::outbox::publish_in(
            conn,
            tenant,
            &crate::events::LessonCompleted {
                item_id,
                course_id,
                enrollment_id: enrolment.id,
                user_id,
                completed_at: done.completed_at,
            },
        )
        .await?;
    }
    let progress = of_enrollment(conn, &enrolment).await?;
    Ok(ItemCompleted {
        item_id,
        completed_at: done.completed_at,
        progress,
    })
}

/// [`complete_item`] in its own transaction (the event commits with the progress row).
pub async fn complete_item_committed(
    db: &sea_orm::DatabaseConnection,
    tenant: &kernel::Tenant,
    user_id: Uuid,
    course_id: Uuid,
    item_id: Uuid,
) -> Result<ItemCompleted, LmsError> {
    use sea_orm::TransactionTrait;
    let txn = db.begin().await?;
    let done = complete_item(&txn, tenant, user_id, course_id, item_id).await?;
    txn.commit().await?;
    Ok(done)
}

/// The course page of an enrolled student (admins and mentors see it without an
/// enrolment): every item's content, stored files as signed URLs, completion and progress.
pub async fn student_course<C: ConnectionTrait>(
    conn: &C,
    store: &Storage,
    platform_id: Uuid,
    user_id: Uuid,
    course_id: Uuid,
) -> Result<StudentCourse, LmsError> {
    let course = courses::find(conn, platform_id, course_id).await?;
    let enrolment = enrollment::of_user(conn, platform_id, user_id, course_id)
        .await?
        .filter(|e| e.status == EnrollmentStatus::Active);
    let done: HashSet<Uuid> = match &enrolment {
        Some(e) => item_progress::Entity::find()
            .filter(item_progress::Column::EnrollmentId.eq(e.id))
            .all(conn)
            .await?
            .into_iter()
            .map(|p| p.item_id)
            .collect(),
        None => HashSet::new(),
    };
    let ttl = store.signed_url_ttl();
    let mut files: Vec<(Uuid, ObjectKey)> = Vec::new();
    let mut modules = outline::load(conn, &[course.id], true, |i| {
        if let Some(key) = i
            .storage_key
            .as_deref()
            .and_then(|k| ObjectKey::parse(k).ok())
        {
            files.push((i.id, key));
        }
        ItemDto {
            body: Some(i.body.clone()),
            url: i.url.clone(),
            completed: Some(done.contains(&i.id)),
            ..ItemDto::outline(i)
        }
    })
    .await?
    .remove(&course.id)
    .unwrap_or_default();
    for (item_id, key) in files {
        let url = store.signed_get_url(&key, ttl).await.ok().map(|u| u.url);
        for item in modules.iter_mut().flat_map(|m| m.items.iter_mut()) {
            if item.id == item_id {
                item.file_url.clone_from(&url);
            }
        }
    }
    let total = modules.iter().map(|m| m.items.len()).sum::<usize>();
    let progress = Progress::of(
        i64::try_from(done.len()).unwrap_or(0),
        i64::try_from(total).unwrap_or(0),
    );
    Ok(StudentCourse {
        course: courses::dto(store, course).await,
        enrollment: enrolment.map(EnrollmentDto::from),
        modules,
        progress,
    })
}

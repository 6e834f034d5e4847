//! The public catalogue: published courses of the platform with their modules, and a
//! course's page by slug (the outline of its content, no content itself).

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use storage::Storage;
use uuid::Uuid;

use crate::{
    dto::courses::{CourseDetail, ItemDto},
    entities::{CourseStatus, courses},
    error::LmsError,
    service::{courses as course_service, outline},
};

/// The keyset of the catalogue: newest published first.
pub type CatalogueKey = (DateTime<Utc>, Uuid);

/// A page of published courses with their modules (three statements whatever the page).
pub async fn page<C: ConnectionTrait>(
    conn: &C,
    store: &Storage,
    platform_id: Uuid,
    after: Option<CatalogueKey>,
    limit: u64,
) -> Result<Vec<(CourseDetail, CatalogueKey)>, LmsError> {
    let mut q = courses::Entity::find()
        .filter(courses::Column::PlatformId.eq(platform_id))
        .filter(courses::Column::Status.eq(CourseStatus::Published));
    if let Some((at, id)) = after {
        q = q.filter(
            Condition::any()
                .add(courses::Column::PublishedAt.lt(at))
                .add(
                    Condition::all()
                        .add(courses::Column::PublishedAt.eq(at))
                        .add(courses::Column::Id.lt(id)),
                ),
        );
    }
    let rows = q
        .order_by_desc(courses::Column::PublishedAt)
        .order_by_desc(courses::Column::Id)
        .limit(limit + 1)
        .all(conn)
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|c| c.id).collect();
    let mut modules = outline::load(conn, &ids, false, ItemDto::public_outline).await?;
    let mut out = Vec::with_capacity(rows.len());
    for course in rows {
        let key = (course.published_at.unwrap_or(course.created_at), course.id);
        let modules = modules.remove(&course.id).unwrap_or_default();
        out.push((
            CourseDetail {
                course: course_service::dto(store, course).await,
                modules,
            },
            key,
        ));
    }
    Ok(out)
}

/// A published course's page by slug: the course and the outline of its modules and items.
pub async fn by_slug<C: ConnectionTrait>(
    conn: &C,
    store: &Storage,
    platform_id: Uuid,
    slug: &str,
) -> Result<CourseDetail, LmsError> {
    let course = courses::Entity::find()
        .filter(courses::Column::PlatformId.eq(platform_id))
        .filter(courses::Column::Slug.eq(slug))
        .filter(courses::Column::Status.eq(CourseStatus::Published))
        .one(conn)
        .await?
        .ok_or(LmsError::NotFound("course"))?;
    let mut modules = outline::load(conn, &[course.id], true, ItemDto::public_outline).await?;
    let modules = modules.remove(&course.id).unwrap_or_default();
    Ok(CourseDetail {
        course: course_service::dto(store, course).await,
        modules,
    })
}

//! Courses, modules and content items (ADMIN): create, change, publish, cover image.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use storage::{ObjectKey, Storage};
use uuid::Uuid;

use crate::{
    dto::courses::{CourseDto, CourseUpdate, NewCourse, NewItem, NewModule},
    entities::{CourseLevel, CourseStatus, ItemKind, course_items, course_modules, courses},
    error::{LmsError, violates},
};

/// The course `id` of the platform.
pub async fn find<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    id: Uuid,
) -> Result<courses::Model, LmsError> {
    courses::Entity::find_by_id(id)
        .filter(courses::Column::PlatformId.eq(platform_id))
        .one(conn)
        .await?
        .ok_or(LmsError::NotFound("course"))
}

/// Creates a course (409 `slug_taken` when the platform has the slug).
pub async fn create<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    admin_id: Uuid,
    req: NewCourse,
) -> Result<courses::Model, LmsError> {
    let now = Utc::now();
    courses::ActiveModel {
        id: Set(kernel::ids::new_id()),
        platform_id: Set(platform_id),
        slug: Set(req.slug),
        title: Set(req.title.trim().to_owned()),
        description: Set(req.description),
        level: Set(req.level.unwrap_or(CourseLevel::Beginner)),
        price_paise: Set(req.price_paise),
        currency: Set("INR".into()),
        gst_inclusive: Set(req.gst_inclusive),
        status: Set(if req.published {
            CourseStatus::Published
        } else {
            CourseStatus::Draft
        }),
        cover_image_key: Set(None),
        published_at: Set(req.published.then_some(now)),
        created_by: Set(Some(admin_id)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(conn)
    .await
    .map_err(|e| {
        if violates(&e, "courses_slug_unique") {
            LmsError::SlugTaken
        } else {
            e.into()
        }
    })
}

/// Applies an update; a cover image key must be one of this platform's stored objects.
pub async fn update<C: ConnectionTrait>(
    conn: &C,
    store: &Storage,
    tenant: &kernel::Tenant,
    id: Uuid,
    req: CourseUpdate,
) -> Result<courses::Model, LmsError> {
    let course = find(conn, tenant.id, id).await?;
    if let Some(key) = &req.cover_image_key {
        let parsed = ObjectKey::parse(key)?;
        if !parsed.belongs_to(&tenant.slug) {
            return Err(LmsError::Invalid(
                "cover_image_key",
                "must be a key of this platform's storage".into(),
            ));
        }
        store.head(&parsed).await.map_err(|_| {
            LmsError::Invalid(
                "cover_image_key",
                "no object is stored under this key".into(),
            )
        })?;
    }
    let was_published = course.published_at;
    let mut active: courses::ActiveModel = course.into();
    if let Some(v) = req.title {
        active.title = Set(v.trim().to_owned());
    }
    if let Some(v) = req.description {
        active.description = Set(v);
    }
    if let Some(v) = req.price_paise {
        active.price_paise = Set(v);
    }
    if let Some(v) = req.gst_inclusive {
        active.gst_inclusive = Set(v);
    }
    if let Some(v) = req.level {
        active.level = Set(v);
    }
    if let Some(v) = req.cover_image_key {
        active.cover_image_key = Set(Some(v));
    }
    if let Some(status) = req.status {
        active.status = Set(status);
        active.published_at = Set(match status {
            CourseStatus::Published => was_published.or(Some(Utc::now())),
            CourseStatus::Draft => None,
            CourseStatus::Archived => was_published,
        });
    }
    active.updated_at = Set(Utc::now());
    Ok(active.update(conn).await?)
}

/// Every course of the platform, drafts included, newest first (ADMIN).
pub async fn list_all<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    after: Option<(chrono::DateTime<Utc>, Uuid)>,
    limit: u64,
) -> Result<Vec<courses::Model>, LmsError> {
    let mut q = courses::Entity::find().filter(courses::Column::PlatformId.eq(platform_id));
    if let Some((at, id)) = after {
        q = q.filter(
            sea_orm::Condition::any()
                .add(courses::Column::CreatedAt.lt(at))
                .add(
                    sea_orm::Condition::all()
                        .add(courses::Column::CreatedAt.eq(at))
                        .add(courses::Column::Id.lt(id)),
                ),
        );
    }
    Ok(q.order_by_desc(courses::Column::CreatedAt)
        .order_by_desc(courses::Column::Id)
        .limit(limit + 1)
        .all(conn)
        .await?)
}

/// Adds a module to a course of the platform.
pub async fn add_module<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    course_id: Uuid,
    req: NewModule,
) -> Result<course_modules::Model, LmsError> {
    find(conn, platform_id, course_id).await?;
    Ok(course_modules::ActiveModel {
        id: Set(kernel::ids::new_id()),
        platform_id: Set(platform_id),
        course_id: Set(course_id),
        title: Set(req.title.trim().to_owned()),
        position: Set(req.position),
        created_at: Set(Utc::now()),
    }
    .insert(conn)
    .await?)
}

/// Adds a content item to a module of a course of the platform. Documents need a stored
/// file of the platform, videos and links a URL or a file, quizzes, assignments and live
/// classes their `ref_id`.
pub async fn add_item<C: ConnectionTrait>(
    conn: &C,
    tenant: &kernel::Tenant,
    course_id: Uuid,
    module_id: Uuid,
    req: NewItem,
) -> Result<course_items::Model, LmsError> {
    let module = course_modules::Entity::find_by_id(module_id)
        .filter(course_modules::Column::PlatformId.eq(tenant.id))
        .filter(course_modules::Column::CourseId.eq(course_id))
        .one(conn)
        .await?
        .ok_or(LmsError::NotFound("module"))?;
    if let Some(key) = &req.storage_key {
        let parsed = ObjectKey::parse(key)?;
        if !parsed.belongs_to(&tenant.slug) {
            return Err(LmsError::Invalid(
                "storage_key",
                "must be a key of this platform's storage".into(),
            ));
        }
    }
    match req.kind {
        ItemKind::Document if req.storage_key.is_none() => {
            return Err(LmsError::Invalid(
                "storage_key",
                "a document needs a stored file".into(),
            ));
        }
        ItemKind::Video | ItemKind::Link if req.url.is_none() && req.storage_key.is_none() => {
            return Err(LmsError::Invalid(
                "url",
                "a video or link needs a URL or a stored file".into(),
            ));
        }
        ItemKind::Quiz | ItemKind::Assignment | ItemKind::LiveClass if req.ref_id.is_none() => {
            return Err(LmsError::Invalid(
                "ref_id",
                "a quiz, assignment or live class item names it in ref_id".into(),
            ));
        }
        _ => {}
    }
    if let Some(ref_id) = req.ref_id {
        // the item stands for a quiz, assignment or live class of this platform (quizzes may
        // be shared by courses; assignments and classes belong to this course)
        let sql = match req.kind {
            ItemKind::Quiz => Some(
                "SELECT 1 AS ok FROM quizzes WHERE id = $1 AND platform_id = $2
                   AND (course_id IS NULL OR course_id = $3)",
            ),
            ItemKind::Assignment => Some(
                "SELECT 1 AS ok FROM assignments WHERE id = $1 AND platform_id = $2 AND course_id = $3",
            ),
            ItemKind::LiveClass => Some(
                "SELECT 1 AS ok FROM live_classes WHERE id = $1 AND platform_id = $2 AND course_id = $3",
            ),
            _ => None,
        };
        if let Some(sql) = sql {
            let found = conn
                .query_one_raw(sea_orm::Statement::from_sql_and_values(
                    sea_orm::DbBackend::Postgres,
                    sql,
                    [ref_id.into(), tenant.id.into(), course_id.into()],
                ))
                .await?
                .is_some();
            if !found {
                return Err(LmsError::Invalid(
                    "ref_id",
                    format!("no such {} of this course", req.kind),
                ));
            }
        }
    }
    if let Some(url) = &req.url
        && !(url.starts_with("https://") || url.starts_with("http://"))
    {
        return Err(LmsError::Invalid("url", "must be an http(s) URL".into()));
    }
    Ok(course_items::ActiveModel {
        id: Set(kernel::ids::new_id()),
        platform_id: Set(tenant.id),
        course_id: Set(course_id),
        module_id: Set(module.id),
        kind: Set(req.kind),
        title: Set(req.title.trim().to_owned()),
        body: Set(req.body),
        url: Set(req.url),
        storage_key: Set(req.storage_key),
        ref_id: Set(req.ref_id),
        duration_minutes: Set(req.duration_minutes),
        position: Set(req.position),
        created_at: Set(Utc::now()),
    }
    .insert(conn)
    .await?)
}

/// The course as a client sees it, with a signed URL of the cover image.
pub async fn dto(store: &Storage, course: courses::Model) -> CourseDto {
    let key = course.cover_image_key.clone();
    let mut dto = CourseDto::from(course);
    if let Some(key) = key.and_then(|k| ObjectKey::parse(&k).ok()) {
        dto.cover_image_url = store
            .signed_get_url(&key, store.signed_url_ttl())
            .await
            .ok()
            .map(|u| u.url);
    }
    dto
}

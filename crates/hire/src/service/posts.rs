//! Job posts and templates.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    HireError,
    dto::posts::{JobPostDto, JobPostUpdate, NewJobPost, ScreeningQuestion},
    entities::{PostStatus, job_posts, job_templates},
    service::strings,
};

/// Keyset of post lists: (time, id), newest first.
pub type PostKey = (DateTime<Utc>, Uuid);

/// Stages every post has besides its own: the ends of an application.
pub const TERMINAL_STAGES: &[&str] = &["rejected", "withdrawn"];

/// The family used when neither a family nor a template is given.
const DEFAULT_FAMILY: &str = "general";

/// The stages of `family`'s current template (the platform's own over the seeded one).
pub async fn family_stages<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    family: &str,
) -> Result<Option<Vec<String>>, HireError> {
    Ok(super::reviews::family_template(conn, platform_id, family)
        .await?
        .map(|t| strings(&t.stages)))
}

/// Creates a post (its stages from the family's template).
pub async fn create<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
    req: NewJobPost,
) -> Result<job_posts::Model, HireError> {
    if let (Some(min), Some(max)) = (req.salary_min_paise, req.salary_max_paise)
        && min > max
    {
        return Err(HireError::Invalid(
            "salary_max_paise",
            "must be at least salary_min_paise".into(),
        ));
    }
    let mut seen = HashSet::new();
    if !req
        .screening_questions
        .iter()
        .all(|q| seen.insert(q.id.clone()))
    {
        return Err(HireError::Invalid(
            "screening_questions",
            "question ids must be distinct".into(),
        ));
    }
    let template = match req.template_id {
        Some(id) => Some(
            job_templates::Entity::find_by_id(id)
                .filter(
                    Condition::any()
                        .add(job_templates::Column::PlatformId.eq(platform_id))
                        .add(job_templates::Column::PlatformId.is_null()),
                )
                .filter(job_templates::Column::ArchivedAt.is_null())
                .one(conn)
                .await?
                .ok_or_else(|| HireError::Invalid("template_id", "no such job template".into()))?,
        ),
        None => None,
    };
    let family = req
        .family
        .clone()
        .or_else(|| template.as_ref().map(|t| t.family.clone()))
        .unwrap_or_else(|| DEFAULT_FAMILY.to_owned());
    let stage_template = super::reviews::family_template(conn, platform_id, &family)
        .await?
        .ok_or_else(|| HireError::Invalid("family", "no stage template for this family".into()))?;
    let stages = strings(&stage_template.stages);
    let status = req.status.unwrap_or(PostStatus::Draft);
    let now = Utc::now();
    let skills: Vec<String> = req.skills.iter().map(|s| s.trim().to_owned()).collect();
    let post = job_posts::ActiveModel {
        id: Set(Uuid::now_v7()),
        platform_id: Set(platform_id),
        template_id: Set(template.as_ref().map(|t| t.id)),
        template_version: Set(template.as_ref().map(|t| t.version)),
        stage_template_id: Set(Some(stage_template.id)),
        family: Set(family),
        title: Set(req.title),
        description: Set(req.description),
        location: Set(req.location),
        remote: Set(req.remote),
        skills: Set(json!(skills)),
        salary_min_paise: Set(req.salary_min_paise),
        salary_max_paise: Set(req.salary_max_paise),
        screening_questions: Set(json!(req.screening_questions)),
        stages: Set(json!(stages)),
        status: Set(status),
        published_at: Set((status != PostStatus::Draft).then_some(now)),
        created_by: Set(Some(user_id)),
        created_at: Set(now),
        updated_at: Set(now),
    };
    Ok(post.insert(conn).await?)
}

/// Changes a post. Opening a draft publishes it; an opened post never returns to draft.
pub async fn update<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    id: Uuid,
    req: JobPostUpdate,
) -> Result<job_posts::Model, HireError> {
    let post = find(conn, platform_id, id).await?;
    let mut active: job_posts::ActiveModel = post.clone().into();
    if let Some(status) = req.status {
        if status == PostStatus::Draft && post.status != PostStatus::Draft {
            return Err(HireError::Invalid(
                "status",
                "a published post cannot return to draft".into(),
            ));
        }
        if status != PostStatus::Draft && post.published_at.is_none() {
            active.published_at = Set(Some(Utc::now()));
        }
        active.status = Set(status);
    }
    if let Some(title) = req.title {
        active.title = Set(title);
    }
    if let Some(description) = req.description {
        active.description = Set(description);
    }
    active.updated_at = Set(Utc::now());
    Ok(active.update(conn).await?)
}

/// A post of the platform, any status (404 otherwise).
pub async fn find<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    id: Uuid,
) -> Result<job_posts::Model, HireError> {
    job_posts::Entity::find_by_id(id)
        .filter(job_posts::Column::PlatformId.eq(platform_id))
        .one(conn)
        .await?
        .ok_or(HireError::NotFound("job post"))
}

/// An open post of the platform (404 for drafts and closed posts: they are not public).
pub async fn find_open<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    id: Uuid,
) -> Result<job_posts::Model, HireError> {
    let post = find(conn, platform_id, id).await?;
    if post.status == PostStatus::Open {
        Ok(post)
    } else {
        Err(HireError::NotFound("job post"))
    }
}

/// A page of open posts, newest first (`limit + 1` rows).
pub async fn open_page<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    after: Option<PostKey>,
    limit: u64,
) -> Result<Vec<job_posts::Model>, HireError> {
    let mut q = job_posts::Entity::find()
        .filter(job_posts::Column::PlatformId.eq(platform_id))
        .filter(job_posts::Column::Status.eq(PostStatus::Open));
    if let Some((at, id)) = after {
        q = q.filter(
            Condition::any()
                .add(job_posts::Column::PublishedAt.lt(at))
                .add(
                    Condition::all()
                        .add(job_posts::Column::PublishedAt.eq(at))
                        .add(job_posts::Column::Id.lt(id)),
                ),
        );
    }
    Ok(q.order_by_desc(job_posts::Column::PublishedAt)
        .order_by_desc(job_posts::Column::Id)
        .limit(limit + 1)
        .all(conn)
        .await?)
}

/// A page of every post of the platform, newest first (`limit + 1` rows).
pub async fn all_page<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    after: Option<PostKey>,
    limit: u64,
) -> Result<Vec<job_posts::Model>, HireError> {
    let mut q = job_posts::Entity::find().filter(job_posts::Column::PlatformId.eq(platform_id));
    if let Some((at, id)) = after {
        q = q.filter(
            Condition::any()
                .add(job_posts::Column::CreatedAt.lt(at))
                .add(
                    Condition::all()
                        .add(job_posts::Column::CreatedAt.eq(at))
                        .add(job_posts::Column::Id.lt(id)),
                ),
        );
    }
    Ok(q.order_by_desc(job_posts::Column::CreatedAt)
        .order_by_desc(job_posts::Column::Id)
        .limit(limit + 1)
        .all(conn)
        .await?)
}

/// The answer shape of a post.
pub fn dto(post: job_posts::Model) -> JobPostDto {
    let screening_questions: Vec<ScreeningQuestion> =
        serde_json::from_value(post.screening_questions.clone()).unwrap_or_default();
    JobPostDto {
        id: post.id,
        title: post.title,
        description: post.description,
        location: post.location,
        remote: post.remote,
        skills: strings(&post.skills),
        salary_min_paise: post.salary_min_paise,
        salary_max_paise: post.salary_max_paise,
        screening_questions,
        family: post.family,
        stages: strings(&post.stages),
        status: post.status,
        published_at: post.published_at,
        created_at: post.created_at,
        template_id: post.template_id,
        template_version: post.template_version,
    }
}

/// The list key of an open post.
pub fn open_key(post: &JobPostDto) -> PostKey {
    (post.published_at.unwrap_or(post.created_at), post.id)
}

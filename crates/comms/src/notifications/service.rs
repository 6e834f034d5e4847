//! The notifications' SQL: the idempotent insert of the job, and the user's own reads.

use chrono::{DateTime, Utc};
use kernel::{
    AppError,
    pagination::{Page, PageParams},
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, sea_query::Expr, sea_query::OnConflict,
};
use uuid::Uuid;

use super::NotificationJob;
use crate::entities::notifications::{self, Column, Entity};

/// Inserts the job's row unless it exists (`ON CONFLICT DO NOTHING`) and returns the row.
pub async fn insert(
    db: &impl ConnectionTrait,
    job: &NotificationJob,
) -> Result<notifications::Model, DbErr> {
    let row = notifications::ActiveModel {
        id: Set(job.id),
        platform_id: Set(job.platform_id),
        user_id: Set(job.user_id),
        kind: Set(job.kind.clone()),
        title: Set(job.title.clone()),
        body: Set(job.body.clone()),
        link: Set(job.link.clone()),
        data: Set(job.data.clone()),
        read_at: Set(None),
        created_at: Set(job.created_at),
    };
    Entity::insert(row)
        .on_conflict(OnConflict::column(Column::Id).do_nothing().to_owned())
        .try_insert()
        .exec(db)
        .await?;
    Entity::find_by_id(job.id)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("notification {}", job.id)))
}

/// The rows of one user.
fn mine(platform_id: Uuid, user_id: Uuid) -> Condition {
    Condition::all()
        .add(Column::PlatformId.eq(platform_id))
        .add(Column::UserId.eq(user_id))
}

/// A user's notifications, newest first (keyset on `(created_at, id)`).
pub async fn list(
    db: &impl ConnectionTrait,
    platform_id: Uuid,
    user_id: Uuid,
    unread_only: bool,
    params: &PageParams,
) -> Result<Page<notifications::Model>, AppError> {
    let limit = params.limit()?;
    let mut cond = mine(platform_id, user_id);
    if unread_only {
        cond = cond.add(Column::ReadAt.is_null());
    }
    if let Some((at, id)) = params.after::<(DateTime<Utc>, Uuid)>()? {
        cond = cond.add(
            Condition::any().add(Column::CreatedAt.lt(at)).add(
                Condition::all()
                    .add(Column::CreatedAt.eq(at))
                    .add(Column::Id.lt(id)),
            ),
        );
    }
    let rows = Entity::find()
        .filter(cond)
        .order_by_desc(Column::CreatedAt)
        .order_by_desc(Column::Id)
        .limit(limit + 1)
        .all(db)
        .await
        .map_err(AppError::from)?;
    Ok(Page::from_rows(rows, limit, |r| (r.created_at, r.id)))
}

/// How many of a user's notifications are unread.
pub async fn unread_count(
    db: &impl ConnectionTrait,
    platform_id: Uuid,
    user_id: Uuid,
) -> Result<u64, DbErr> {
    Entity::find()
        .filter(mine(platform_id, user_id).add(Column::ReadAt.is_null()))
        .count(db)
        .await
}

/// Marks one of the user's notifications read (keeping the first read time); `None` when
/// the user has no such notification.
pub async fn mark_read(
    db: &impl ConnectionTrait,
    platform_id: Uuid,
    user_id: Uuid,
    id: Uuid,
) -> Result<Option<notifications::Model>, DbErr> {
    Entity::update_many()
        .col_expr(Column::ReadAt, Expr::value(Utc::now()))
        .filter(
            mine(platform_id, user_id)
                .add(Column::Id.eq(id))
                .add(Column::ReadAt.is_null()),
        )
        .exec(db)
        .await?;
    Entity::find()
        .filter(mine(platform_id, user_id).add(Column::Id.eq(id)))
        .one(db)
        .await
}

/// Marks every unread notification of the user read; returns how many changed.
pub async fn mark_all_read(
    db: &impl ConnectionTrait,
    platform_id: Uuid,
    user_id: Uuid,
) -> Result<u64, DbErr> {
    let res = Entity::update_many()
        .col_expr(Column::ReadAt, Expr::value(Utc::now()))
        .filter(mine(platform_id, user_id).add(Column::ReadAt.is_null()))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

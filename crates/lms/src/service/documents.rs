//! A student's documents: uploaded storage keys of this platform registered with a name and
//! a kind, listed with signed URLs, deleted by their owner only (someone else's id is 404);
//! admins list any student's.

use chrono::Utc;
use kernel::Tenant;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait,
    ModelTrait, QueryFilter, QueryOrder, Statement,
};
use storage::Storage;
use uuid::Uuid;

use crate::{
    dto::profile::{DocumentDto, NewDocument},
    entities::student_documents,
    error::{LmsError, violates},
    service::files,
};

/// Registers an uploaded object as a document of `user_id`.
pub async fn create<C: ConnectionTrait>(
    conn: &C,
    store: &Storage,
    tenant: &Tenant,
    user_id: Uuid,
    req: NewDocument,
) -> Result<student_documents::Model, LmsError> {
    let info = files::stored(store, tenant, "storage_key", &req.storage_key).await?;
    student_documents::ActiveModel {
        id: Set(kernel::ids::new_id()),
        platform_id: Set(tenant.id),
        user_id: Set(user_id),
        kind: Set(req.kind),
        name: Set(req.name.trim().to_owned()),
        storage_key: Set(req.storage_key),
        size_bytes: Set(i64::try_from(info.size).unwrap_or(i64::MAX)),
        content_type: Set(info.content_type),
        created_at: Set(Utc::now()),
    }
    .insert(conn)
    .await
    .map_err(|e| {
        if violates(&e, "student_documents_key_unique") {
            LmsError::DocumentTaken
        } else {
            e.into()
        }
    })
}

/// A user's documents, newest first.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
) -> Result<Vec<student_documents::Model>, LmsError> {
    Ok(student_documents::Entity::find()
        .filter(student_documents::Column::PlatformId.eq(platform_id))
        .filter(student_documents::Column::UserId.eq(user_id))
        .order_by_desc(student_documents::Column::CreatedAt)
        .order_by_desc(student_documents::Column::Id)
        .all(conn)
        .await?)
}

/// A student's documents for an admin: 404 when the user is not of the platform.
pub async fn list_for_admin<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
) -> Result<Vec<student_documents::Model>, LmsError> {
    conn.query_one_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT 1 AS ok FROM users WHERE id = $1 AND platform_id = $2",
        [user_id.into(), platform_id.into()],
    ))
    .await?
    .ok_or(LmsError::NotFound("user"))?;
    list(conn, platform_id, user_id).await
}

/// Deletes the owner's document (someone else's, or another platform's, is 404).
pub async fn delete<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
    id: Uuid,
) -> Result<(), LmsError> {
    student_documents::Entity::find_by_id(id)
        .filter(student_documents::Column::PlatformId.eq(platform_id))
        .filter(student_documents::Column::UserId.eq(user_id))
        .one(conn)
        .await?
        .ok_or(LmsError::NotFound("document"))?
        .delete(conn)
        .await?;
    Ok(())
}

/// Documents with signed URLs.
pub async fn dtos(store: &Storage, rows: Vec<student_documents::Model>) -> Vec<DocumentDto> {
    let mut out = Vec::with_capacity(rows.len());
    for d in rows {
        let url = files::signed_url(store, &d.storage_key).await;
        out.push(DocumentDto {
            url,
            ..DocumentDto::from(d)
        });
    }
    out
}

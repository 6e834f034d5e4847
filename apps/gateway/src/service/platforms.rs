//! Platforms (tenants) as superadmins administer them: every change is audited in its
//! transaction. The caller drops the tenant cache after a change committed.

use chrono::Utc;
use kernel::{
    AppError,
    audit::{self, Audit},
    auth::AuthUser,
    tenant::{entity as platforms, new_platform_row},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};

/// Every platform, active or not, by slug.
pub async fn all(db: &DatabaseConnection) -> Result<Vec<platforms::Model>, AppError> {
    Ok(platforms::Entity::find()
        .order_by_asc(platforms::Column::Slug)
        .all(db)
        .await?)
}

/// Creates a platform; 409 `platform_exists` when the slug is taken.
pub async fn create(
    db: &DatabaseConnection,
    admin: &AuthUser,
    slug: &str,
    name: &str,
    modules: &[String],
) -> Result<platforms::Model, AppError> {
    let txn = db.begin().await?;
    let row = new_platform_row(slug, name, modules)
        .insert(&txn)
        .await
        .map_err(|e| {
            AppError::on_unique(
                e,
                &crate::error::codes::PLATFORM_EXISTS,
                "slug",
                "a platform with this slug exists",
            )
        })?;
    audit::record(
        &txn,
        Audit::by(admin, "platform.created", "platform", row.id).after(platform_json(&row)),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// What a change sets; `None` keeps a value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// New display name.
    pub name: Option<String>,
    /// The full new list of enabled modules.
    pub modules: Option<Vec<String>>,
    /// Serve or stop serving the platform.
    pub active: Option<bool>,
}

/// Changes the platform `slug` (404 when there is none).
pub async fn update(
    db: &DatabaseConnection,
    admin: &AuthUser,
    slug: &str,
    changes: Changes,
) -> Result<platforms::Model, AppError> {
    let txn = db.begin().await?;
    let existing = platforms::Entity::find()
        .filter(platforms::Column::Slug.eq(slug))
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no platform {slug:?}")))?;
    let before = platform_json(&existing);
    let mut row: platforms::ActiveModel = existing.into();
    if let Some(name) = changes.name {
        row.name = Set(name);
    }
    if let Some(modules) = changes.modules {
        row.modules = Set(serde_json::json!(modules));
    }
    if let Some(active) = changes.active {
        row.active = Set(active);
    }
    row.updated_at = Set(Utc::now());
    let row = row.update(&txn).await?;
    audit::record(
        &txn,
        Audit::by(admin, "platform.updated", "platform", row.id)
            .change(before, platform_json(&row)),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

fn platform_json(p: &platforms::Model) -> serde_json::Value {
    serde_json::json!({"slug": p.slug, "name": p.name, "modules": p.modules, "active": p.active})
}

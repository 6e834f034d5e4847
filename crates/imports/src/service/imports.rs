//! Reading imports (one, a page, the errors) and starting one. Every read filters by the
//! platform: another platform's import is "not found".

use chrono::Utc;
use jobs::outbox;
use kernel::{
    Tenant,
    audit::{self, Audit},
    auth::AuthUser,
    pagination::{Page, PageParams},
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait, sea_query::Expr,
};
use uuid::Uuid;

use crate::{
    entities::{
        import_errors,
        imports::{self, ImportStatus},
    },
    error::ImportError,
    job::RunImport,
};

/// The import `id` of `tenant`.
#[tracing::instrument(skip_all, fields(import = %id), err)]
pub async fn get(
    db: &impl ConnectionTrait,
    tenant: &Tenant,
    id: Uuid,
) -> Result<imports::Model, ImportError> {
    imports::Entity::find_by_id(id)
        .filter(imports::Column::PlatformId.eq(tenant.id))
        .one(db)
        .await?
        .ok_or(ImportError::NotFound)
}

/// The platform's imports, newest first.
#[tracing::instrument(skip_all, err)]
pub async fn list(
    db: &impl ConnectionTrait,
    tenant: &Tenant,
    page: &PageParams,
) -> Result<Page<imports::Model>, ImportError> {
    let limit = page.limit().map_err(ImportError::App)?;
    let mut query = imports::Entity::find()
        .filter(imports::Column::PlatformId.eq(tenant.id))
        .order_by_desc(imports::Column::Id)
        .limit(limit + 1);
    if let Some(after) = page.after::<Uuid>().map_err(ImportError::App)? {
        query = query.filter(imports::Column::Id.lt(after));
    }
    let rows = query.all(db).await?;
    Ok(Page::from_rows(rows, limit, |m| m.id))
}

/// Starts a previewed (or failed) import: `queued`, and its job goes through the outbox in
/// the same transaction. The status change is the guard, so starting twice makes one job;
/// the second start answers 409 `import_already_started`. Audited (`import.started`).
#[tracing::instrument(skip_all, fields(import = %id), err)]
pub async fn start(
    db: &DatabaseConnection,
    admin: &AuthUser,
    id: Uuid,
) -> Result<imports::Model, ImportError> {
    let tenant = admin.tenant.as_ref();
    let txn = db.begin().await?;
    let current = get(&txn, tenant, id).await?;
    let moved = imports::Entity::update_many()
        .col_expr(imports::Column::Status, Expr::value(ImportStatus::Queued))
        .col_expr(imports::Column::Error, Expr::value(Option::<String>::None))
        .col_expr(imports::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(imports::Column::Id.eq(id))
        .filter(imports::Column::PlatformId.eq(tenant.id))
        .filter(imports::Column::Status.is_in([ImportStatus::Previewed, ImportStatus::Failed]))
        .exec(&txn)
        .await?;
    if moved.rows_affected == 0 {
        return Err(ImportError::AlreadyStarted(status_name(current.status)));
    }
    outbox::enqueue_in(&txn, tenant, &RunImport { import_id: id }).await?;
    audit::record(
        &txn,
        Audit::by(admin, "import.started", "import", id).change(
            serde_json::json!({"status": status_name(current.status)}),
            serde_json::json!({"status": "queued"}),
        ),
    )
    .await?;
    let model = get(&txn, tenant, id).await?;
    txn.commit().await?;
    Ok(model)
}

/// The status's name as the API spells it.
pub fn status_name(status: ImportStatus) -> &'static str {
    match status {
        ImportStatus::Previewed => "previewed",
        ImportStatus::Queued => "queued",
        ImportStatus::Running => "running",
        ImportStatus::Completed => "completed",
        ImportStatus::Failed => "failed",
    }
}

/// One page of an import's errors in file order, after `(row, column)`.
pub async fn errors_after(
    db: &impl ConnectionTrait,
    tenant: &Tenant,
    import_id: Uuid,
    after: Option<(i64, String)>,
    limit: u64,
) -> Result<Vec<import_errors::Model>, ImportError> {
    let mut query = import_errors::Entity::find()
        .filter(import_errors::Column::ImportId.eq(import_id))
        .filter(import_errors::Column::PlatformId.eq(tenant.id))
        .order_by_asc(import_errors::Column::RowNumber)
        .order_by_asc(import_errors::Column::ColumnName)
        .limit(limit);
    if let Some((row, column)) = after {
        query = query.filter(Expr::cust_with_values(
            "(row_number, column_name) > ($1, $2)",
            [sea_orm::Value::from(row), sea_orm::Value::from(column)],
        ));
    }
    Ok(query.all(db).await?)
}

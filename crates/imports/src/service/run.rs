//! The import job. A blocking reader streams the stored file row by row, checks each row and
//! hands batches of `IMPORT_BATCH_SIZE` rows through a channel of two batches (so at most a
//! few batches are in memory, whatever the file's length). Each batch is one transaction:
//! the kind's idempotent insert, the batch's bad cells into `import_errors` (`ON CONFLICT DO
//! NOTHING`) and the checkpoint `rows_done` moved forward, guarded by its previous value. A
//! retried job skips the rows before the checkpoint, so good rows land exactly once.

use std::sync::Arc;

use anyhow::Context;
use chrono::Utc;
use jobs::{JobContext, JobError};
use kernel::Tenant;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter, Set,
    TransactionTrait,
    sea_query::{Expr, ExprTrait, OnConflict},
};
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::{
    Imports,
    entities::{
        import_errors,
        imports::{self, ImportStatus},
    },
    kind::{CellError, ImportKind},
    reader::{self, Format},
    service::{
        batches::{Batch, produce},
        imports::get,
        local_copy::LocalCopy,
    },
    validate::Mapping,
};

/// Bad cells written per statement (6 parameters each, far below PostgreSQL's limit).
const ERROR_CHUNK: usize = 1_000;

/// What a run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every row is processed.
    Completed,
    /// The import was already complete (a duplicate or late job): nothing to do.
    AlreadyDone,
}

fn retry(e: impl Into<anyhow::Error>) -> JobError {
    JobError::Retry(e.into())
}

/// Runs (or resumes) import `id` of the job's platform.
#[tracing::instrument(skip_all, fields(import = %id, attempt = ctx.attempt), err)]
pub async fn run(state: &Imports, ctx: &JobContext, id: Uuid) -> Result<Outcome, JobError> {
    let db = &state.ctx().db;
    let tenant = state
        .ctx()
        .tenants
        .resolve(db, Some(&ctx.platform))
        .await
        .map_err(|e| retry(anyhow::anyhow!("resolving the platform: {e}")))?;
    let import = match get(db, &tenant, id).await {
        Ok(m) => m,
        Err(crate::ImportError::NotFound) => {
            return Err(JobError::Permanent(anyhow::anyhow!("no import {id}")));
        }
        Err(e) => return Err(retry(anyhow::Error::new(e))),
    };
    match import.status {
        ImportStatus::Completed => return Ok(Outcome::AlreadyDone),
        ImportStatus::Previewed => {
            return Err(JobError::Permanent(anyhow::anyhow!(
                "import {id} was not started"
            )));
        }
        ImportStatus::Queued | ImportStatus::Running | ImportStatus::Failed => {}
    }
    let kind = state
        .kinds()
        .get(&import.kind)
        .ok_or_else(|| JobError::Permanent(anyhow::anyhow!("no import kind {:?}", import.kind)))?;
    let mapping: Mapping = serde_json::from_value(import.mapping.clone())
        .map_err(|e| JobError::Permanent(anyhow::Error::new(e).context("the stored mapping")))?;
    let format = Format::parse(&import.file_format)
        .ok_or_else(|| JobError::Permanent(anyhow::anyhow!("format {}", import.file_format)))?;
    imports::Entity::update_many()
        .col_expr(imports::Column::Status, Expr::value(ImportStatus::Running))
        .col_expr(
            imports::Column::Attempts,
            Expr::col(imports::Column::Attempts).add(1),
        )
        .col_expr(
            imports::Column::StartedAt,
            Expr::cust("coalesce(started_at, now())"),
        )
        .col_expr(imports::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(imports::Column::Id.eq(id))
        .exec(db)
        .await?;
    let key =
        storage::ObjectKey::parse(&import.file_key).map_err(|e| retry(anyhow::anyhow!("{e}")))?;
    let copy = LocalCopy::fetch(state.storage(), &key)
        .await
        .map_err(retry)?;

    let (tx, mut rx) = mpsc::channel::<Batch>(2);
    let skip = u64::try_from(import.rows_done).unwrap_or(0);
    let size = state.config().batch_size;
    let producer_kind = kind.clone();
    let producer = tokio::task::spawn_blocking(move || {
        let file = copy
            .open()
            .map_err(|e| reader::ReadError(format!("opening the local copy: {e}")))?;
        produce(
            file,
            format,
            producer_kind.as_ref(),
            &mapping,
            skip,
            size,
            &tx,
        )
    });
    let mut done = import.rows_done;
    while let Some(batch) = rx.recv().await {
        match commit(db, &tenant, &kind, id, done, &batch).await {
            Ok(()) => done += batch.processed,
            Err(e) => {
                drop(rx);
                let _ = producer.await;
                return Err(e);
            }
        }
    }
    producer
        .await
        .context("the file reader stopped")
        .map_err(retry)?
        .map_err(|e| JobError::Permanent(anyhow::anyhow!("the stored file: {e}")))?;
    imports::Entity::update_many()
        .col_expr(
            imports::Column::Status,
            Expr::value(ImportStatus::Completed),
        )
        .col_expr(imports::Column::RowsTotal, Expr::value(done))
        .col_expr(imports::Column::FinishedAt, Expr::value(Some(Utc::now())))
        .col_expr(imports::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(imports::Column::Id.eq(id))
        .exec(db)
        .await?;
    tracing::info!(rows = done, "import completed");
    Ok(Outcome::Completed)
}

/// One batch in one transaction: the kind's rows, the bad cells, the checkpoint.
async fn commit(
    db: &DatabaseConnection,
    tenant: &Arc<Tenant>,
    kind: &Arc<dyn ImportKind>,
    id: Uuid,
    done: i64,
    batch: &Batch,
) -> Result<(), JobError> {
    let txn = db.begin().await?;
    let created = if batch.rows.is_empty() {
        0
    } else {
        kind.import_batch(&txn, tenant.as_ref(), &batch.rows)
            .await?
    };
    write_errors(&txn, tenant.id, id, &batch.errors).await?;
    let ok = batch.processed - batch.failed;
    let moved = imports::Entity::update_many()
        .col_expr(
            imports::Column::RowsDone,
            Expr::value(done + batch.processed),
        )
        .col_expr(
            imports::Column::RowsOk,
            Expr::col(imports::Column::RowsOk).add(ok),
        )
        .col_expr(
            imports::Column::RowsFailed,
            Expr::col(imports::Column::RowsFailed).add(batch.failed),
        )
        .col_expr(
            imports::Column::RowsCreated,
            Expr::col(imports::Column::RowsCreated).add(i64::try_from(created).unwrap_or(0)),
        )
        .col_expr(imports::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(imports::Column::Id.eq(id))
        .filter(imports::Column::RowsDone.eq(done))
        .exec(&txn)
        .await?;
    if moved.rows_affected != 1 {
        // another run moved the checkpoint: this batch is rolled back, the retry resumes
        return Err(retry(anyhow::anyhow!(
            "the checkpoint of import {id} moved"
        )));
    }
    txn.commit().await?;
    Ok(())
}

async fn write_errors(
    txn: &DatabaseTransaction,
    platform_id: Uuid,
    id: Uuid,
    errors: &[(u64, CellError)],
) -> Result<(), sea_orm::DbErr> {
    for chunk in errors.chunks(ERROR_CHUNK) {
        let rows = chunk.iter().map(|(row, e)| import_errors::ActiveModel {
            import_id: Set(id),
            platform_id: Set(platform_id),
            row_number: Set(i64::try_from(*row).unwrap_or(i64::MAX)),
            column_name: Set(e.column.chars().take(64).collect()),
            value: Set(e.value.clone()),
            message: Set(e.message.chars().take(500).collect()),
        });
        import_errors::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::columns([
                    import_errors::Column::ImportId,
                    import_errors::Column::RowNumber,
                    import_errors::Column::ColumnName,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// Marks the import failed (its last attempt gave up); committed batches stay, and starting
/// it again resumes after them.
pub async fn mark_failed(state: &Imports, id: Uuid, error: &str) -> Result<(), sea_orm::DbErr> {
    imports::Entity::update_many()
        .col_expr(imports::Column::Status, Expr::value(ImportStatus::Failed))
        .col_expr(
            imports::Column::Error,
            Expr::value(Some(error.chars().take(500).collect::<String>())),
        )
        .col_expr(imports::Column::FinishedAt, Expr::value(Some(Utc::now())))
        .col_expr(imports::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(imports::Column::Id.eq(id))
        .filter(imports::Column::Status.ne(ImportStatus::Completed))
        .exec(&state.ctx().db)
        .await?;
    Ok(())
}

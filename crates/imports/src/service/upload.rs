//! An upload: sniff the file's real type, read its header and first rows (checking them
//! against the kind's columns), count its data rows, store it, and record the import as
//! `previewed`. Nothing of the kind is written yet.

use std::{collections::BTreeMap, ops::ControlFlow, sync::Arc};

use chrono::Utc;
use kernel::{
    Tenant,
    audit::{self, Audit},
    auth::AuthUser,
};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set, TransactionTrait};
use uuid::Uuid;

use crate::{
    Imports,
    config::PREVIEW_ROWS,
    dto::imports::{HeaderMatch, ImportView, Preview, PreviewRow},
    entities::imports::{self, ImportStatus},
    error::ImportError,
    kind::ImportKind,
    reader::{self, Format},
    validate::{self, Mapping},
};

/// What a first pass over the file found.
struct Scan {
    header: Vec<String>,
    first: Vec<(u64, Vec<String>)>,
    data_rows: u64,
}

/// Reads the header, keeps the first rows and counts the rest (one row in memory at a time).
fn scan(bytes: &[u8], format: Format) -> Result<Scan, reader::ReadError> {
    let mut header: Option<Vec<String>> = None;
    let mut first = Vec::new();
    let mut data_rows = 0u64;
    reader::for_each_row(std::io::Cursor::new(bytes), format, |number, cells| {
        if header.is_none() {
            header = Some(cells);
        } else {
            data_rows += 1;
            if first.len() < PREVIEW_ROWS {
                first.push((number, cells));
            }
        }
        ControlFlow::Continue(())
    })?;
    let header = header.ok_or_else(|| reader::ReadError("the file has no rows".into()))?;
    Ok(Scan {
        header,
        first,
        data_rows,
    })
}

/// An uploaded file.
#[derive(Debug)]
pub struct Upload {
    /// The file's name as sent.
    pub file_name: String,
    /// Its bytes.
    pub bytes: actix_web::web::Bytes,
}

/// Checks, stores and records an upload of `kind`; answers the preview.
#[tracing::instrument(skip_all, fields(kind = kind_name, size = upload.bytes.len()), err)]
pub async fn create(
    state: &Imports,
    admin: &AuthUser,
    kind_name: &str,
    upload: Upload,
) -> Result<Preview, ImportError> {
    let kind = state
        .kinds()
        .get(kind_name)
        .ok_or_else(|| ImportError::KindUnknown(kind_name.to_owned()))?;
    let format = reader::sniff(&upload.bytes).map_err(|e| ImportError::FileInvalid(e.0))?;
    let bytes = upload.bytes.clone();
    let scan = tokio::task::spawn_blocking(move || scan(&bytes, format))
        .await
        .map_err(|e| ImportError::Unexpected(anyhow::anyhow!("scanning the file: {e}")))?
        .map_err(|e| ImportError::FileInvalid(e.0))?;
    let mapping =
        validate::map_header(kind.columns(), &scan.header).map_err(ImportError::MissingColumn)?;
    if scan.data_rows == 0 {
        return Err(ImportError::FileInvalid(
            "the file has a header but no data rows".into(),
        ));
    }
    let tenant = &admin.tenant;
    let key = storage::ObjectKey::generate(
        &tenant.slug,
        storage::keys::parse_folder("imports")
            .map_err(|e| ImportError::Unexpected(anyhow::anyhow!(e)))?
            .as_ref(),
        &upload.file_name,
        Utc::now(),
    )?;
    let content_type = match format {
        Format::Csv => "text/csv",
        Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    };
    state
        .storage()
        .put(&key, upload.bytes.clone(), content_type)
        .await?;
    let txn = state.ctx().db.begin().await?;
    let model = insert(
        &txn,
        tenant,
        admin.id,
        kind.name(),
        &key,
        &upload,
        format,
        &mapping,
        scan.data_rows,
    )
    .await?;
    audit::record(
        &txn,
        Audit::by(admin, "import.created", "import", model.id).after(serde_json::json!({
            "kind": model.kind, "file_name": model.file_name, "rows_total": model.rows_total,
        })),
    )
    .await?;
    txn.commit().await?;
    tracing::info!(import = %model.id, rows = scan.data_rows, "import previewed");
    Ok(preview(&kind, &mapping, scan, model.into()))
}

#[allow(clippy::too_many_arguments)]
async fn insert(
    db: &impl ConnectionTrait,
    tenant: &Tenant,
    admin: Uuid,
    kind: &str,
    key: &storage::ObjectKey,
    upload: &Upload,
    format: Format,
    mapping: &Mapping,
    data_rows: u64,
) -> Result<imports::Model, ImportError> {
    let now = Utc::now();
    let name: String = storage::keys::sanitise_filename(&upload.file_name);
    let row = imports::ActiveModel {
        id: Set(kernel::ids::new_id()),
        platform_id: Set(tenant.id),
        kind: Set(kind.to_owned()),
        status: Set(ImportStatus::Previewed),
        file_key: Set(key.to_string()),
        file_name: Set(name.chars().take(255).collect()),
        file_format: Set(format.as_str().to_owned()),
        file_size: Set(i64::try_from(upload.bytes.len()).unwrap_or(i64::MAX)),
        mapping: Set(serde_json::json!(mapping)),
        rows_total: Set(i64::try_from(data_rows).unwrap_or(i64::MAX)),
        rows_done: Set(0),
        rows_ok: Set(0),
        rows_failed: Set(0),
        rows_created: Set(0),
        attempts: Set(0),
        error: Set(None),
        created_by: Set(admin),
        created_at: Set(now),
        started_at: Set(None),
        finished_at: Set(None),
        updated_at: Set(now),
    };
    Ok(row.insert(db).await?)
}

fn preview(
    kind: &Arc<dyn ImportKind>,
    mapping: &Mapping,
    scan: Scan,
    import: ImportView,
) -> Preview {
    let columns = kind.columns();
    let header = columns
        .iter()
        .zip(mapping)
        .map(|(c, at)| HeaderMatch {
            column: c.name,
            required: c.required,
            file_column: at.and_then(|i| scan.header.get(i).cloned()),
        })
        .collect();
    let ignored_columns = scan
        .header
        .iter()
        .enumerate()
        .filter(|(i, h)| !mapping.contains(&Some(*i)) && !h.trim().is_empty())
        .map(|(_, h)| h.clone())
        .collect();
    let rows = scan
        .first
        .into_iter()
        .map(|(number, cells)| {
            let values: BTreeMap<String, Option<String>> = columns
                .iter()
                .zip(mapping)
                .map(|(c, at)| {
                    let v = at.and_then(|i| cells.get(i)).map(|v| validate::clip(v));
                    (c.name.to_owned(), v)
                })
                .collect();
            let errors = validate::check_row(kind.as_ref(), mapping, number, &cells)
                .err()
                .unwrap_or_default();
            PreviewRow {
                row_number: number,
                values,
                errors,
            }
        })
        .collect();
    Preview {
        import,
        header,
        ignored_columns,
        rows,
        rows_estimate: scan.data_rows,
    }
}

//! The workbooks the importer writes with `rust_xlsxwriter`: an import's error report (read
//! from `import_errors` page by page into a constant-memory worksheet, so its size does not
//! grow the process) and a kind's empty template.

use kernel::Tenant;
use rust_xlsxwriter::{Format as CellFormat, Workbook, XlsxError};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::{
    error::ImportError,
    kind::{ColumnType, ImportKind},
    service::imports::{errors_after, get},
};

/// Errors read per query while writing the report.
const PAGE: u64 = 2_000;

/// The media type of the workbooks.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn failed(e: XlsxError) -> ImportError {
    ImportError::Unexpected(anyhow::Error::new(e).context("writing a workbook"))
}

/// The error report of import `id`: one line per bad cell (row, column, value, message) in
/// file order. Answers `(file name, bytes)`.
#[tracing::instrument(skip_all, fields(import = %id), err)]
pub async fn error_report(
    db: &impl ConnectionTrait,
    tenant: &Tenant,
    id: Uuid,
) -> Result<(String, Vec<u8>), ImportError> {
    let import = get(db, tenant, id).await?;
    let mut workbook = Workbook::new();
    let bold = CellFormat::new().set_bold();
    let sheet = workbook
        .add_worksheet_with_constant_memory()
        .map_err(failed)?;
    sheet.set_name("errors").map_err(failed)?;
    for (col, title) in ["row", "column", "value", "message"]
        .into_iter()
        .enumerate()
    {
        sheet
            .write_string_with_format(0, col as u16, title, &bold)
            .map_err(failed)?;
    }
    let mut line = 1u32;
    let mut after = None;
    loop {
        let page = errors_after(db, tenant, id, after.take(), PAGE).await?;
        let Some(last) = page.last() else { break };
        after = Some((last.row_number, last.column_name.clone()));
        let full = page.len() as u64 == PAGE;
        for e in page {
            sheet
                .write_number(line, 0, e.row_number as f64)
                .map_err(failed)?;
            sheet
                .write_string(line, 1, &e.column_name)
                .map_err(failed)?;
            sheet
                .write_string(line, 2, e.value.as_deref().unwrap_or_default())
                .map_err(failed)?;
            sheet.write_string(line, 3, &e.message).map_err(failed)?;
            line += 1;
        }
        if !full {
            break;
        }
    }
    let bytes = workbook.save_to_buffer().map_err(failed)?;
    Ok((format!("import-{}-errors.xlsx", import.id), bytes))
}

fn type_name(kind: ColumnType) -> &'static str {
    match kind {
        ColumnType::Text => "text",
        ColumnType::Email => "email",
        ColumnType::Phone => "phone",
        ColumnType::Int => "whole number",
        ColumnType::Enum => "one of the allowed values",
        ColumnType::Date => "date YYYY-MM-DD",
    }
}

/// An empty workbook for `kind`: the header row on the first sheet, and a `columns` sheet
/// saying what each column takes.
pub fn template(kind: &dyn ImportKind) -> Result<Vec<u8>, ImportError> {
    let mut workbook = Workbook::new();
    let bold = CellFormat::new().set_bold();
    let sheet = workbook.add_worksheet();
    sheet.set_name(kind.name()).map_err(failed)?;
    for (i, c) in kind.columns().iter().enumerate() {
        sheet
            .write_string_with_format(0, i as u16, c.name, &bold)
            .map_err(failed)?;
        sheet.set_column_width(i as u16, 24).map_err(failed)?;
    }
    let help = workbook.add_worksheet();
    help.set_name("columns").map_err(failed)?;
    for (col, title) in ["column", "required", "type", "max length", "allowed values"]
        .into_iter()
        .enumerate()
    {
        help.write_string_with_format(0, col as u16, title, &bold)
            .map_err(failed)?;
    }
    for (i, c) in kind.columns().iter().enumerate() {
        let r = i as u32 + 1;
        help.write_string(r, 0, c.name).map_err(failed)?;
        help.write_string(r, 1, if c.required { "yes" } else { "no" })
            .map_err(failed)?;
        help.write_string(r, 2, type_name(c.kind)).map_err(failed)?;
        help.write_number(r, 3, c.max_length as f64)
            .map_err(failed)?;
        help.write_string(r, 4, c.allowed.join(", "))
            .map_err(failed)?;
    }
    workbook.save_to_buffer().map_err(failed)
}

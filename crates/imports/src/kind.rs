//! Import kinds: what a kind declares (its columns) and does (check a row, write a batch).
//! Kinds live in the crates that own their tables (identity's `students`; lms' questions and
//! crm's leads later) and are collected into one [`Kinds`] registry by the gateway.

use std::{collections::BTreeMap, fmt, sync::Arc};

use futures::future::BoxFuture;
use kernel::Tenant;
use sea_orm::{DatabaseTransaction, DbErr};
use serde::Serialize;
use utoipa::ToSchema;

/// The type of a column's values (checked and normalised before a kind sees them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    /// Any text (trimmed).
    Text,
    /// An email address (lowercased).
    Email,
    /// A phone number: `+` and 7-15 digits once spaces, dashes, dots and brackets are removed.
    Phone,
    /// A whole number.
    Int,
    /// One of the column's `allowed` values (case-insensitive; stored as declared).
    Enum,
    /// A date `YYYY-MM-DD` (Excel date cells are accepted too).
    Date,
}

/// One declared column of a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct Column {
    /// The header name in the file (matched case-insensitively, ignoring spaces and `_`).
    pub name: &'static str,
    /// Whether every row must have a value.
    pub required: bool,
    /// The values' type.
    #[serde(rename = "type")]
    pub kind: ColumnType,
    /// Longest value in characters.
    pub max_length: usize,
    /// The allowed values of an `enum` column (empty otherwise).
    pub allowed: &'static [&'static str],
}

impl Column {
    /// An optional text column of at most `max_length` characters.
    pub const fn text(name: &'static str, max_length: usize) -> Self {
        Self {
            name,
            required: false,
            kind: ColumnType::Text,
            max_length,
            allowed: &[],
        }
    }

    /// The same column with another type.
    pub const fn of(mut self, kind: ColumnType) -> Self {
        self.kind = kind;
        self
    }

    /// The same column, required.
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// The same column as an enum of `allowed`.
    pub const fn one_of(mut self, allowed: &'static [&'static str]) -> Self {
        self.kind = ColumnType::Enum;
        self.allowed = allowed;
        self
    }
}

/// A problem with one cell (or with the whole row when `column` is empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CellError {
    /// The declared column's name (empty: the row as a whole).
    pub column: String,
    /// The value as found in the file (clipped to 200 characters).
    pub value: Option<String>,
    /// What is wrong.
    pub message: String,
}

/// A data row after the column checks: its 1-based row number in the file (the header is
/// row 1) and its normalised values in the kind's column order (`None`: empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The row's number in the file, as a spreadsheet shows it.
    pub number: u64,
    /// Values in the order of [`ImportKind::columns`].
    pub values: Vec<Option<String>>,
    /// The kind's columns (for lookups by name).
    pub columns: &'static [Column],
}

impl Row {
    /// The value of the column `name`, if the kind declares it and the cell is not empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        let i = self.columns.iter().position(|c| c.name == name)?;
        self.values.get(i)?.as_deref()
    }
}

/// An importable kind of record. Implemented by the crate that owns the table.
pub trait ImportKind: Send + Sync + 'static {
    /// The kind's name in URLs (`students`).
    fn name(&self) -> &'static str;

    /// One line for the kinds list.
    fn description(&self) -> &'static str;

    /// The declared columns, in template order.
    fn columns(&self) -> &'static [Column];

    /// Rules across cells once every cell passed its column's check (default: none).
    fn validate_row(&self, _row: &Row) -> Vec<CellError> {
        Vec::new()
    }

    /// Writes valid rows idempotently inside `txn` (a natural unique key per kind and
    /// `INSERT .. ON CONFLICT`, so a retried batch never duplicates). Returns how many rows
    /// were created.
    fn import_batch<'a>(
        &'a self,
        txn: &'a DatabaseTransaction,
        tenant: &'a Tenant,
        rows: &'a [Row],
    ) -> BoxFuture<'a, Result<u64, DbErr>>;
}

/// The kinds of this process, by name.
#[derive(Clone, Default)]
pub struct Kinds {
    kinds: BTreeMap<&'static str, Arc<dyn ImportKind>>,
}

impl fmt::Debug for Kinds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.kinds.keys()).finish()
    }
}

impl Kinds {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a kind (a later kind of the same name replaces the earlier).
    pub fn register(&mut self, kind: impl ImportKind) -> &mut Self {
        self.kinds.insert(kind.name(), Arc::new(kind));
        self
    }

    /// The kind called `name`.
    pub fn get(&self, name: &str) -> Option<Arc<dyn ImportKind>> {
        self.kinds.get(name).cloned()
    }

    /// Every kind, by name.
    pub fn all(&self) -> impl Iterator<Item = &Arc<dyn ImportKind>> {
        self.kinds.values()
    }
}

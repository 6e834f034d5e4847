//! `import_errors`: one row per bad cell of an import (the error report's source).

use sea_orm::entity::prelude::*;

/// A bad cell (or a bad row, with an empty column).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_errors")]
pub struct Model {
    /// The import.
    #[sea_orm(primary_key, auto_increment = false)]
    pub import_id: Uuid,
    /// The platform (every read filters by it).
    pub platform_id: Uuid,
    /// The row's number in the file (the header is row 1).
    #[sea_orm(primary_key, auto_increment = false)]
    pub row_number: i64,
    /// The declared column's name (empty: the row as a whole).
    #[sea_orm(primary_key, auto_increment = false)]
    pub column_name: String,
    /// The value found (clipped to 200 characters).
    pub value: Option<String>,
    /// What is wrong.
    pub message: String,
}

/// No relations are declared.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

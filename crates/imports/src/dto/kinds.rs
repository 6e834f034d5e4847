//! `GET /api/bulk-upload/kinds`: the registered kinds and their column schemas.

use serde::Serialize;
use utoipa::ToSchema;

use crate::kind::{Column, ImportKind};

/// An import kind and the columns a file of it has.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct KindInfo {
    /// The kind's name, used in `POST /api/bulk-upload/kinds/{kind}`.
    pub name: &'static str,
    /// What rows of this kind create.
    pub description: &'static str,
    /// The declared columns, in template order.
    pub columns: Vec<Column>,
}

impl From<&dyn ImportKind> for KindInfo {
    fn from(kind: &dyn ImportKind) -> Self {
        Self {
            name: kind.name(),
            description: kind.description(),
            columns: kind.columns().to_vec(),
        }
    }
}

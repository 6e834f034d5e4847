//! `finance_supplier_settings`: a platform's own supplier details (overriding the
//! environment's defaults).

use sea_orm::entity::prelude::*;

/// A platform's supplier settings.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "finance_supplier_settings")]
pub struct Model {
    /// The platform.
    #[sea_orm(primary_key, auto_increment = false)]
    pub platform_id: Uuid,
    /// GSTIN.
    pub gstin: String,
    /// State code (the GSTIN's first two digits).
    pub state_code: String,
    /// Legal name.
    pub legal_name: String,
    /// Series of invoices.
    pub invoice_series: String,
    /// Series of credit notes.
    pub credit_note_series: String,
    /// Who set them last.
    pub updated_by: Option<Uuid>,
    /// When.
    pub updated_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

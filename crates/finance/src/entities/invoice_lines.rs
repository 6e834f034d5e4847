//! `invoice_lines`: the taxed lines of an invoice.

use sea_orm::entity::prelude::*;

/// A line.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invoice_lines")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The invoice.
    pub invoice_id: Uuid,
    /// Order on the invoice.
    pub position: i32,
    /// What was sold.
    pub description: String,
    /// SAC.
    pub sac: String,
    /// Rate in basis points.
    pub rate_bp: i32,
    /// Units.
    pub quantity: i32,
    /// Taxable value.
    pub taxable_paise: i64,
    /// Central tax.
    pub cgst_paise: i64,
    /// State tax.
    pub sgst_paise: i64,
    /// Integrated tax.
    pub igst_paise: i64,
    /// Line total.
    pub total_paise: i64,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

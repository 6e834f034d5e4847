//! `vendor_lead_quality`: per vendor, leads created and re-inquiries (duplicates).

use sea_orm::entity::prelude::*;

/// A vendor's ledger.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "vendor_lead_quality")]
pub struct Model {
    /// Vendor.
    #[sea_orm(primary_key, auto_increment = false)]
    pub vendor_id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// New leads.
    pub leads_created: i64,
    /// Leads that were already known.
    pub duplicates: i64,
    /// Changed.
    pub updated_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

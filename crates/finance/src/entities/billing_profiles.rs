//! `billing_profiles`: what a buyer wants on their invoices.

use sea_orm::entity::prelude::*;

/// A buyer's billing profile (one per user and platform).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "billing_profiles")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// The buyer.
    pub user_id: Uuid,
    /// Name on the invoice.
    pub legal_name: String,
    /// GSTIN of a registered buyer.
    pub gstin: Option<String>,
    /// State code.
    pub state_code: Option<String>,
    /// Postal address.
    pub address: String,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Changed.
    pub updated_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

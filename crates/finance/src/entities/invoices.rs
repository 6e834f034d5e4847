//! `invoices`: one tax invoice per paid order.

use sea_orm::entity::prelude::*;

/// An invoice.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invoices")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// The paid order (unique per platform: one invoice per payment).
    pub order_id: Uuid,
    /// The buyer.
    pub user_id: Uuid,
    /// Kind of thing bought.
    pub item: String,
    /// The thing bought.
    pub item_id: Uuid,
    /// Razorpay's payment id.
    pub razorpay_payment_id: String,
    /// `{SERIES}/{FY}/{seq}`.
    pub number: String,
    /// Series.
    pub series: String,
    /// Financial year (`26-27`).
    pub fy: String,
    /// Sequence number within series and year.
    pub seq: i64,
    /// Invoice date.
    pub issued_at: DateTimeUtc,
    /// Supplier's GSTIN.
    pub supplier_gstin: String,
    /// Supplier's state code.
    pub supplier_state: String,
    /// Supplier's legal name.
    pub supplier_name: String,
    /// Buyer's name.
    pub buyer_name: String,
    /// Buyer's GSTIN (B2B).
    pub buyer_gstin: Option<String>,
    /// Buyer's state code on record.
    pub buyer_state: Option<String>,
    /// Buyer's address.
    pub buyer_address: String,
    /// Place of supply (state code).
    pub place_of_supply: String,
    /// `b2b`, `b2cl` or `b2cs`.
    pub classification: String,
    /// Whether the price included GST.
    pub gst_inclusive: bool,
    /// Currency (INR).
    pub currency: String,
    /// Taxable value.
    pub taxable_paise: i64,
    /// Central tax.
    pub cgst_paise: i64,
    /// State tax.
    pub sgst_paise: i64,
    /// Integrated tax.
    pub igst_paise: i64,
    /// Invoice value.
    pub total_paise: i64,
    /// Storage key of the rendered PDF.
    pub pdf_key: Option<String>,
    /// Written.
    pub created_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

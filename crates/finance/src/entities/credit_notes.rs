//! `credit_notes`: section 34 credit notes, one per refund, numbered in their own series.

use sea_orm::entity::prelude::*;

/// A credit note.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "credit_notes")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// The invoice it reduces.
    pub invoice_id: Uuid,
    /// The refund it documents.
    pub refund_id: Option<Uuid>,
    /// `{SERIES}/{FY}/{seq}`.
    pub number: String,
    /// Series.
    pub series: String,
    /// Financial year.
    pub fy: String,
    /// Sequence number.
    pub seq: i64,
    /// Date.
    pub issued_at: DateTimeUtc,
    /// The invoice's supplier GSTIN.
    pub supplier_gstin: String,
    /// The invoice's place of supply.
    pub place_of_supply: String,
    /// The invoice's classification (`b2b` -> CDNR, else CDNUR / B2CS netting).
    pub classification: String,
    /// Why.
    pub reason: String,
    /// Taxable value reversed.
    pub taxable_paise: i64,
    /// Central tax reversed.
    pub cgst_paise: i64,
    /// State tax reversed.
    pub sgst_paise: i64,
    /// Integrated tax reversed.
    pub igst_paise: i64,
    /// Value of the note.
    pub total_paise: i64,
    /// Written.
    pub created_at: DateTimeUtc,
    /// When its email was queued (ADR 0089): `None` while it waits for the IRN.
    pub email_queued_at: Option<DateTimeUtc>,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

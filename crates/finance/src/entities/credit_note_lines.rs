//! `credit_note_lines`: what a credit note reverses of each invoice line.

use sea_orm::entity::prelude::*;

/// A line (`position` is the invoice line's).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "credit_note_lines")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The credit note.
    pub credit_note_id: Uuid,
    /// The invoice line's position.
    pub position: i32,
    /// The invoice line's description.
    pub description: String,
    /// SAC.
    pub sac: String,
    /// Rate in basis points.
    pub rate_bp: i32,
    /// Taxable value reversed.
    pub taxable_paise: i64,
    /// Central tax reversed.
    pub cgst_paise: i64,
    /// State tax reversed.
    pub sgst_paise: i64,
    /// Integrated tax reversed.
    pub igst_paise: i64,
    /// Line value.
    pub total_paise: i64,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! `token_packs`: what users can buy.

use sea_orm::entity::prelude::*;

/// A pack.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "token_packs")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// Display name, unique per platform.
    pub name: String,
    /// Tokens credited.
    pub tokens: i64,
    /// Price in paise.
    pub price_paise: i64,
    /// ISO currency.
    pub currency: String,
    /// Whether the price includes GST.
    pub gst_inclusive: bool,
    /// On sale.
    pub active: bool,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Changed.
    pub updated_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// What a buyer pays for the pack: the price, with its GST added when it is stated
    /// exclusive of it ([`kernel::money::charged_paise`]); the price itself should the sum not
    /// fit (a pack costs at most Rs 10,00,000, so it always does).
    pub fn charged_paise(&self) -> i64 {
        kernel::money::charged_paise(self.price_paise, &self.currency, self.gst_inclusive)
            .unwrap_or(self.price_paise)
    }
}

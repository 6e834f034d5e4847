//! `candidates`: one person per platform, found again across jobs by canonical email or
//! phone.

use sea_orm::entity::prelude::*;

/// A candidate.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "candidates")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// Email, trimmed and lower-cased.
    pub email_canonical: String,
    /// Phone, digits only with an optional leading `+`.
    pub phone_canonical: Option<String>,
    /// Name as last given.
    pub full_name: String,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Changed.
    pub updated_at: DateTimeUtc,
    /// When their personal data was erased.
    pub erased_at: Option<DateTimeUtc>,
    /// The candidate this one was merged into (until the merge is undone).
    pub merged_into: Option<Uuid>,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

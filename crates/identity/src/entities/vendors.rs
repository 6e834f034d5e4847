//! `vendors`: machine clients and their API key (hash + lookup prefix).

use sea_orm::entity::prelude::*;

/// A vendor and its key.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "vendors")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The platform the key is scoped to.
    pub platform_id: Uuid,
    /// Display name.
    pub name: String,
    /// The public part of the key (`mas_<prefix>_…`), unique, for lookup.
    #[sea_orm(unique)]
    pub key_prefix: String,
    /// SHA-256 of the whole key.
    pub key_hash: Vec<u8>,
    /// The admin who created it.
    pub created_by: Option<Uuid>,
    /// Created at.
    pub created_at: DateTimeUtc,
    /// Revoked at; a revoked key is refused.
    pub revoked_at: Option<DateTimeUtc>,
    /// Last accepted use (updated at most once a minute).
    pub last_used_at: Option<DateTimeUtc>,
}

/// No relations declared.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

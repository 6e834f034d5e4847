//! `ai_credentials`: a platform's provider keys, sealed (AES-256-GCM, bound to platform and
//! name).

use sea_orm::entity::prelude::*;

use super::kinds::ProviderName;

/// One sealed key.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ai_credentials")]
pub struct Model {
    /// Platform.
    #[sea_orm(primary_key, auto_increment = false)]
    pub platform_id: Uuid,
    /// Provider.
    #[sea_orm(primary_key, auto_increment = false)]
    pub name: ProviderName,
    /// `v1:<hex nonce||ciphertext||tag>`.
    pub sealed: String,
    /// Who stored it.
    pub updated_by: Option<Uuid>,
    /// When.
    pub updated_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

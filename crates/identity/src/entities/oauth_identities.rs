//! `oauth_identities`: an external account (Google) linked to a user.

use sea_orm::entity::prelude::*;

/// A linked external account.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "oauth_identities")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The user.
    pub user_id: Uuid,
    /// The user's platform.
    pub platform_id: Uuid,
    /// Provider name (`google`).
    pub provider: String,
    /// The provider's stable account id (`sub`).
    pub subject: String,
    /// The email the provider reported when linked.
    pub email: Option<String>,
    /// Linked at.
    pub created_at: DateTimeUtc,
}

/// No relations declared.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! `audit_log`: append-only (a trigger refuses UPDATE, DELETE and TRUNCATE).

use sea_orm::entity::prelude::*;

/// One recorded change.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    /// Id (UUID v7, so ordering by id is ordering by time).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform of the target.
    pub platform_id: Uuid,
    /// Who did it; `None` for the system (seeders).
    pub actor_id: Option<Uuid>,
    /// What (`user.access_updated`, `user.suspended`, `vendor.created`…).
    pub action: String,
    /// Kind of target (`user`, `vendor`).
    pub target_type: String,
    /// Target id.
    pub target_id: String,
    /// State before (the changed fields).
    pub before: Option<Json>,
    /// State after.
    pub after: Option<Json>,
    /// The request that made the change.
    pub request_id: Option<String>,
    /// When.
    pub created_at: DateTimeUtc,
}

/// No relations declared.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

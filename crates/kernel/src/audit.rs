//! The append-only audit log (`audit_log`): every administrative or financial change writes
//! one entry in the transaction of the change, with who did it, the target, the changed
//! fields before and after, and the request id. The table refuses UPDATE, DELETE and
//! TRUNCATE (a trigger), so an entry cannot be rewritten by the application either.
//!
//! Every crate writes through [`record`]; identity serves the list at `/api/admin/audit-log`.

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};
use uuid::Uuid;

use crate::auth::AuthUser;

/// The `audit_log` table.
pub mod entity {
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
        /// What (`user.access_updated`, `tokens.granted`, `queue.paused`…).
        pub action: String,
        /// Kind of target (`user`, `vendor`, `payout`, `queue`…).
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
}

/// One entry to write.
#[derive(Debug, Clone)]
pub struct Audit {
    /// Platform of the target.
    pub platform_id: Uuid,
    /// Who; `None` for the system.
    pub actor_id: Option<Uuid>,
    /// What.
    pub action: &'static str,
    /// Kind of target.
    pub target_type: &'static str,
    /// Target id.
    pub target_id: String,
    /// Changed fields before.
    pub before: Option<serde_json::Value>,
    /// Changed fields after.
    pub after: Option<serde_json::Value>,
}

impl Audit {
    /// An entry without before/after.
    pub fn new(
        platform_id: Uuid,
        actor_id: Option<Uuid>,
        action: &'static str,
        target_type: &'static str,
        target_id: impl ToString,
    ) -> Self {
        Self {
            platform_id,
            actor_id,
            action,
            target_type,
            target_id: target_id.to_string(),
            before: None,
            after: None,
        }
    }

    /// An entry by a signed-in user on their platform.
    pub fn by(
        user: &AuthUser,
        action: &'static str,
        target_type: &'static str,
        target_id: impl ToString,
    ) -> Self {
        Self::new(
            user.tenant.id,
            Some(user.id),
            action,
            target_type,
            target_id,
        )
    }

    /// With the state before and after.
    pub fn change(mut self, before: serde_json::Value, after: serde_json::Value) -> Self {
        self.before = Some(before);
        self.after = Some(after);
        self
    }

    /// With the state after only (a creation or a one-off action's parameters).
    pub fn after(mut self, after: serde_json::Value) -> Self {
        self.after = Some(after);
        self
    }
}

/// Writes an entry (inside the caller's transaction, so it commits with the change).
pub async fn record<C: ConnectionTrait>(conn: &C, entry: Audit) -> Result<Uuid, DbErr> {
    let id = crate::ids::new_id();
    entity::Entity::insert(entity::ActiveModel {
        id: Set(id),
        platform_id: Set(entry.platform_id),
        actor_id: Set(entry.actor_id),
        action: Set(entry.action.to_owned()),
        target_type: Set(entry.target_type.to_owned()),
        target_id: Set(entry.target_id),
        before: Set(entry.before),
        after: Set(entry.after),
        request_id: Set(crate::request_id::current()),
        created_at: Set(Utc::now()),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(id)
}

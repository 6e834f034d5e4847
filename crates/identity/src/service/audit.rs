//! The append-only audit log: written in the same transaction as the change it records, with
//! the request id of the request that made it. The table refuses UPDATE and DELETE.

use chrono::Utc;
use kernel::{Tenant, pagination::Page};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use crate::{
    dto::{AuditEntryDto, AuditFilter},
    entities::audit_log,
    error::IdentityResult,
};

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

    /// With the state before and after.
    pub fn change(mut self, before: serde_json::Value, after: serde_json::Value) -> Self {
        self.before = Some(before);
        self.after = Some(after);
        self
    }
}

/// Writes an entry (inside the caller's transaction).
pub async fn record<C: ConnectionTrait>(conn: &C, entry: Audit) -> IdentityResult<Uuid> {
    let id = kernel::ids::new_id();
    audit_log::Entity::insert(audit_log::ActiveModel {
        id: Set(id),
        platform_id: Set(entry.platform_id),
        actor_id: Set(entry.actor_id),
        action: Set(entry.action.to_owned()),
        target_type: Set(entry.target_type.to_owned()),
        target_id: Set(entry.target_id),
        before: Set(entry.before),
        after: Set(entry.after),
        request_id: Set(kernel::request_id::current()),
        created_at: Set(Utc::now()),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(id)
}

/// A page of the tenant's entries, newest first.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    tenant: &Tenant,
    filter: &AuditFilter,
) -> IdentityResult<Page<AuditEntryDto>> {
    let params = kernel::pagination::PageParams {
        limit: filter.limit,
        cursor: filter.cursor.clone(),
    };
    let limit = params.limit()?;
    let mut query = audit_log::Entity::find().filter(audit_log::Column::PlatformId.eq(tenant.id));
    if let Some(after) = params.after::<Uuid>()? {
        query = query.filter(audit_log::Column::Id.lt(after));
    }
    if let Some(target) = &filter.target_id {
        query = query.filter(audit_log::Column::TargetId.eq(target.clone()));
    }
    if let Some(actor) = filter.actor_id {
        query = query.filter(audit_log::Column::ActorId.eq(actor));
    }
    if let Some(action) = &filter.action {
        query = query.filter(audit_log::Column::Action.eq(action.clone()));
    }
    let rows = query
        .order_by_desc(audit_log::Column::Id)
        .limit(limit + 1)
        .all(conn)
        .await?;
    Ok(Page::from_rows(rows, limit, |r| r.id).map(AuditEntryDto::from))
}

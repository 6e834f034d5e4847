//! The append-only audit log: written in the same transaction as the change it records, with
//! the request id of the request that made it. The table refuses UPDATE and DELETE.

use kernel::{Tenant, pagination::Page};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::{
    dto::{AuditEntryDto, AuditFilter},
    entities::audit_log,
    error::IdentityResult,
};

pub use kernel::audit::Audit;

/// Writes an entry (inside the caller's transaction).
pub async fn record<C: ConnectionTrait>(conn: &C, entry: Audit) -> IdentityResult<Uuid> {
    Ok(kernel::audit::record(conn, entry).await?)
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
    if let Some(kind) = &filter.target_type {
        query = query.filter(audit_log::Column::TargetType.eq(kind.clone()));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_log::Column::CreatedAt.gte(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(audit_log::Column::CreatedAt.lt(to));
    }
    let rows = query
        .order_by_desc(audit_log::Column::Id)
        .limit(limit + 1)
        .all(conn)
        .await?;
    Ok(Page::from_rows(rows, limit, |r| r.id).map(AuditEntryDto::from))
}

//! Admin user management, always within the caller's platform: search, change role and
//! capabilities, suspend and reactivate. Every change is audited in its transaction and
//! invalidates the user directory after commit, so it applies on the user's next request.
//!
//! Rules: nobody changes their own role, capabilities or status; only a SUPERADMIN grants or
//! removes ADMIN/SUPERADMIN or touches an admin's account.

use chrono::Utc;
use kernel::{
    AppContext, Tenant,
    auth::{AuthUser, Capability, Role},
    pagination::{Page, PageParams},
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
    sea_query::{Expr, ExprTrait, Func},
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    dto::{AdminUserDto, UpdateAccessRequest, UserFilter},
    entities::users::{self, UserStatus},
    error::{IdentityError, IdentityResult},
    service::{
        audit::{self, Audit},
        directory, sessions,
        users::{caps_json, caps_of, lock_in, role_of},
    },
};

fn like_pattern(q: &str) -> String {
    let escaped = q
        .trim()
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// A page of the tenant's users, newest first.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    tenant: &Tenant,
    filter: &UserFilter,
) -> IdentityResult<Page<AdminUserDto>> {
    let params = PageParams {
        limit: filter.limit,
        cursor: filter.cursor.clone(),
    };
    let limit = params.limit()?;
    let mut query = users::Entity::find().filter(users::Column::PlatformId.eq(tenant.id));
    if let Some(after) = params.after::<Uuid>()? {
        query = query.filter(users::Column::Id.lt(after));
    }
    if let Some(q) = &filter.q {
        let pattern = like_pattern(q);
        query = query.filter(
            Expr::col(users::Column::Email)
                .like(pattern.clone())
                .or(Expr::expr(Func::lower(Expr::col(users::Column::FullName)))
                    .like(pattern.clone()))
                .or(Expr::col(users::Column::Phone).like(pattern)),
        );
    }
    if let Some(role) = filter.role {
        query = query.filter(users::Column::Role.eq(role));
    }
    if let Some(status) = filter.status {
        query = query.filter(users::Column::Status.eq(status));
    }
    if let Some(cap) = filter.capability {
        query = query.filter(Expr::cust_with_values(
            "capabilities @> $1::jsonb",
            [caps_json(&[cap])],
        ));
    }
    let rows = query
        .order_by_desc(users::Column::Id)
        .limit(limit + 1)
        .all(conn)
        .await?;
    Ok(Page::from_rows(rows, limit, |r| r.id).map(|m| AdminUserDto::from(&m)))
}

fn is_admin_role(role: Role) -> bool {
    role.is_admin()
}

fn ensure_may_manage(actor: &AuthUser, target: &users::Model) -> IdentityResult<()> {
    if actor.id == target.id {
        return Err(IdentityError::Forbidden(
            "you cannot change your own role, capabilities or status".into(),
        ));
    }
    if is_admin_role(role_of(target)) && actor.role != Role::Superadmin {
        return Err(IdentityError::Forbidden(
            "only a superadmin can change an admin's account".into(),
        ));
    }
    Ok(())
}

fn access_json(role: Role, caps: &[Capability]) -> serde_json::Value {
    json!({"role": role, "capabilities": caps_json(caps)})
}

/// `PATCH /api/admin/users/{id}`: a new role and/or capability set.
pub async fn update_access(
    ctx: &AppContext,
    actor: &AuthUser,
    target_id: Uuid,
    body: UpdateAccessRequest,
) -> IdentityResult<users::Model> {
    let tenant = &actor.tenant;
    let txn = ctx.db.begin().await?;
    let user = lock_in(&txn, tenant, target_id).await?;
    ensure_may_manage(actor, &user)?;
    let (old_role, old_caps) = (role_of(&user), caps_of(&user));
    let new_role = body.role.unwrap_or(old_role);
    let new_caps = body.capabilities.unwrap_or_else(|| old_caps.clone());
    if is_admin_role(new_role) && new_role != old_role && actor.role != Role::Superadmin {
        return Err(IdentityError::Forbidden(
            "only a superadmin can grant an admin role".into(),
        ));
    }
    let ops_changed = old_caps.contains(&Capability::Ops) != new_caps.contains(&Capability::Ops);
    if ops_changed && actor.role != Role::Superadmin {
        return Err(IdentityError::Forbidden(
            "only a superadmin can grant or revoke the ops capability".into(),
        ));
    }
    let before = access_json(old_role, &old_caps);
    let after = access_json(new_role, &new_caps);
    if before == after {
        txn.commit().await?;
        return Ok(user);
    }
    let mut active = user.into_active_model();
    active.role = Set(new_role);
    active.capabilities = Set(caps_json(&new_caps));
    active.updated_at = Set(Utc::now());
    let user = active.update(&txn).await?;
    audit::record(
        &txn,
        Audit::new(
            tenant.id,
            Some(actor.id),
            "user.access_updated",
            "user",
            user.id,
        )
        .change(before, after),
    )
    .await?;
    txn.commit().await?;
    directory::invalidate(ctx, user.id).await;
    tracing::info!(target_user = %user.id, actor = %actor.id, "role/capabilities changed");
    Ok(user)
}

/// Suspends (`suspend = true`) or reactivates a user. Suspension also revokes every refresh
/// family, so the user can neither call nor refresh; reactivation does not restore them.
pub async fn set_status(
    ctx: &AppContext,
    actor: &AuthUser,
    target_id: Uuid,
    suspend: bool,
    reason: Option<String>,
) -> IdentityResult<users::Model> {
    let tenant = &actor.tenant;
    let txn = ctx.db.begin().await?;
    let user = lock_in(&txn, tenant, target_id).await?;
    ensure_may_manage(actor, &user)?;
    let (from, to) = if suspend {
        (UserStatus::Active, UserStatus::Suspended)
    } else {
        (UserStatus::Suspended, UserStatus::Active)
    };
    if user.status != from {
        txn.commit().await?;
        return Ok(user);
    }
    let mut active = user.into_active_model();
    active.status = Set(to);
    active.updated_at = Set(Utc::now());
    let user = active.update(&txn).await?;
    if suspend {
        sessions::revoke_all(&txn, user.id).await?;
    }
    let mut after = json!({"status": to});
    if let Some(reason) = reason {
        after["reason"] = json!(reason);
    }
    let action = if suspend {
        "user.suspended"
    } else {
        "user.reactivated"
    };
    audit::record(
        &txn,
        Audit::new(tenant.id, Some(actor.id), action, "user", user.id)
            .change(json!({"status": from}), after),
    )
    .await?;
    txn.commit().await?;
    directory::invalidate(ctx, user.id).await;
    tracing::info!(target_user = %user.id, actor = %actor.id, action, "status changed");
    Ok(user)
}

/// Raises a plain USER of `tenant` to `role` on behalf of another crate's decision (an
/// admin approving a mentor application makes the applicant EXPERT), inside the caller's
/// transaction, audited as `action`. Users who already have another role keep it (an admin
/// who mentors stays an admin). Returns whether the role changed; the caller invalidates the
/// directory with [`directory::invalidate`] after its commit.
pub async fn promote_user<C: ConnectionTrait>(
    conn: &C,
    tenant: &Tenant,
    actor_id: Uuid,
    user_id: Uuid,
    role: Role,
    action: &'static str,
) -> IdentityResult<bool> {
    let user = lock_in(conn, tenant, user_id).await?;
    let old = role_of(&user);
    if old != Role::User || role == Role::User {
        return Ok(false);
    }
    let caps = caps_of(&user);
    let mut active = user.into_active_model();
    active.role = Set(role);
    active.updated_at = Set(Utc::now());
    let user = active.update(conn).await?;
    audit::record(
        conn,
        Audit::new(tenant.id, Some(actor_id), action, "user", user.id)
            .change(access_json(old, &caps), access_json(role, &caps)),
    )
    .await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_patterns_escape_wildcards() {
        assert_eq!(like_pattern(" Asha "), "%asha%");
        assert_eq!(like_pattern("50%_off"), "%50\\%\\_off%");
    }
}

//! Vendor API keys (ADR 0017): `mas_<prefix>_<secret>`; the prefix is stored in clear for
//! lookup and shown in lists, the whole key only as SHA-256 (a 256-bit random secret needs
//! no slow hash). The key is shown once, at creation. A key belongs to one platform.

use chrono::Utc;
use kernel::{
    AppContext, Tenant,
    auth::AuthUser,
    pagination::{Page, PageParams},
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
    sea_query::{Expr, ExprTrait},
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    dto::{CreatedVendorDto, VendorDto},
    entities::vendors,
    error::{IdentityError, IdentityResult},
    service::{
        audit::{self, Audit},
        secrets,
    },
};

/// The fixed start of every key.
pub const KEY_SCHEME: &str = "mas";

/// A generated key and its parts.
struct NewKey {
    prefix: String,
    key: String,
}

fn generate() -> IdentityResult<NewKey> {
    let prefix = hex::encode(secrets::random_bytes::<6>()?);
    let secret = hex::encode(secrets::random_bytes::<32>()?);
    Ok(NewKey {
        key: format!("{KEY_SCHEME}_{prefix}_{secret}"),
        prefix,
    })
}

/// The prefix of a well-formed key.
pub fn parse_prefix(key: &str) -> Option<&str> {
    let rest = key.strip_prefix(KEY_SCHEME)?.strip_prefix('_')?;
    let (prefix, secret) = rest.split_once('_')?;
    let ok = (8..=16).contains(&prefix.len())
        && prefix
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && secret.len() >= 32;
    ok.then_some(prefix)
}

/// Creates a vendor with a new key (the only time the key is returned).
pub async fn create(
    ctx: &AppContext,
    actor: &AuthUser,
    name: &str,
) -> IdentityResult<CreatedVendorDto> {
    let tenant = &actor.tenant;
    let name = name.trim().to_owned();
    let txn = ctx.db.begin().await?;
    let key = generate()?;
    let row = vendors::Entity::insert(vendors::ActiveModel {
        id: Set(kernel::ids::new_id()),
        platform_id: Set(tenant.id),
        name: Set(name.clone()),
        key_prefix: Set(key.prefix.clone()),
        key_hash: Set(secrets::sha256(key.key.as_bytes())),
        created_by: Set(Some(actor.id)),
        created_at: Set(Utc::now()),
        revoked_at: Set(None),
        last_used_at: Set(None),
    })
    .exec_with_returning(&txn)
    .await?;
    audit::record(
        &txn,
        Audit::new(
            tenant.id,
            Some(actor.id),
            "vendor.created",
            "vendor",
            row.id,
        )
        .change(
            json!(null),
            json!({"name": name, "key_prefix": row.key_prefix}),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(CreatedVendorDto {
        id: row.id,
        name: row.name,
        api_key: key.key,
        key_prefix: row.key_prefix,
        created_at: row.created_at,
    })
}

/// A page of the tenant's vendors, newest first.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    tenant: &Tenant,
    params: &PageParams,
) -> IdentityResult<Page<VendorDto>> {
    let limit = params.limit()?;
    let mut query = vendors::Entity::find().filter(vendors::Column::PlatformId.eq(tenant.id));
    if let Some(after) = params.after::<Uuid>()? {
        query = query.filter(vendors::Column::Id.lt(after));
    }
    let rows = query
        .order_by_desc(vendors::Column::Id)
        .limit(limit + 1)
        .all(conn)
        .await?;
    Ok(Page::from_rows(rows, limit, |r| r.id).map(VendorDto::from))
}

/// Revokes a vendor's key (idempotent); another platform's vendor is a 404.
pub async fn revoke(ctx: &AppContext, actor: &AuthUser, id: Uuid) -> IdentityResult<VendorDto> {
    let tenant = &actor.tenant;
    let txn = ctx.db.begin().await?;
    let row = vendors::Entity::find_by_id(id)
        .filter(vendors::Column::PlatformId.eq(tenant.id))
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or_else(|| IdentityError::NotFound(format!("no vendor {id}")))?;
    if row.revoked_at.is_some() {
        txn.commit().await?;
        return Ok(row.into());
    }
    let mut active = row.into_active_model();
    active.revoked_at = Set(Some(Utc::now()));
    let row = active.update(&txn).await?;
    audit::record(
        &txn,
        Audit::new(
            tenant.id,
            Some(actor.id),
            "vendor.revoked",
            "vendor",
            row.id,
        )
        .change(json!({"revoked": false}), json!({"revoked": true})),
    )
    .await?;
    txn.commit().await?;
    Ok(row.into())
}

/// The live vendor a key belongs to, or `None` (malformed, unknown, wrong secret, revoked).
/// Notes the use at most once a minute.
pub async fn authenticate(ctx: &AppContext, key: &str) -> IdentityResult<Option<vendors::Model>> {
    let Some(prefix) = parse_prefix(key) else {
        return Ok(None);
    };
    let Some(row) = vendors::Entity::find()
        .filter(vendors::Column::KeyPrefix.eq(prefix))
        .one(&ctx.db)
        .await?
    else {
        return Ok(None);
    };
    if !secrets::ct_eq(&secrets::sha256(key.as_bytes()), &row.key_hash) || row.revoked_at.is_some()
    {
        return Ok(None);
    }
    let stale = row
        .last_used_at
        .is_none_or(|t| Utc::now() - t > chrono::Duration::minutes(1));
    if stale {
        vendors::Entity::update_many()
            .col_expr(vendors::Column::LastUsedAt, Expr::value(Utc::now()))
            .filter(vendors::Column::Id.eq(row.id))
            .filter(
                Expr::col(vendors::Column::LastUsedAt)
                    .is_null()
                    .or(Expr::col(vendors::Column::LastUsedAt)
                        .lt(Utc::now() - chrono::Duration::minutes(1))),
            )
            .exec(&ctx.db)
            .await?;
    }
    Ok(Some(row))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn generated_keys_parse_and_junk_does_not() {
        let k = generate().unwrap();
        assert_eq!(parse_prefix(&k.key), Some(k.prefix.as_str()));
        assert_eq!(k.prefix.len(), 12);
        assert!(parse_prefix("mas_short_x").is_none());
        assert!(parse_prefix("xyz_abcdefgh_0123456789abcdef0123456789abcdef").is_none());
        assert!(parse_prefix("mas_ABCDEFGH_0123456789abcdef0123456789abcdef").is_none());
        assert!(parse_prefix("").is_none());
    }
}

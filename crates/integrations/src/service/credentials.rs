//! The platform's provider keys: stored sealed (audited without the value), listed as
//! `set` flags only, opened at call time (a rotated key is used by the next call on every
//! replica; nothing is cached).

use chrono::Utc;
use kernel::{audit, auth::AuthUser, tenant::Tenant};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionSession,
    TransactionTrait, sea_query::OnConflict,
};
use secrecy::SecretString;
use serde_json::json;

use crate::{
    IntegrationsError,
    entities::{ai_credentials as creds, kinds::ProviderName},
    google_calendar::TokenSeal,
};

/// The sealed value's associated data: a value copied to another platform or name does not
/// open.
fn context(tenant_id: uuid::Uuid, name: ProviderName) -> String {
    format!("ai-credential/{tenant_id}/{}", name.as_str())
}

/// Stores (or replaces) the key of `name`, sealed.
pub async fn put(
    db: &impl TransactionTrait,
    seal: &TokenSeal,
    user: &AuthUser,
    name: ProviderName,
    value: &SecretString,
) -> Result<chrono::DateTime<Utc>, IntegrationsError> {
    let sealed = seal
        .seal(value, &context(user.tenant.id, name))
        .map_err(anyhow::Error::new)?;
    let now = Utc::now();
    let txn = db.begin().await?;
    let existed = creds::Entity::find_by_id((user.tenant.id, name))
        .one(&txn)
        .await?
        .is_some();
    creds::Entity::insert(creds::ActiveModel {
        platform_id: Set(user.tenant.id),
        name: Set(name),
        sealed: Set(sealed),
        updated_by: Set(Some(user.id)),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([creds::Column::PlatformId, creds::Column::Name])
            .update_columns([
                creds::Column::Sealed,
                creds::Column::UpdatedBy,
                creds::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    audit::record(
        &txn,
        audit::Audit::by(user, "credential.stored", "credential", name.as_str())
            .change(json!({"set": existed}), json!({"set": true})),
    )
    .await?;
    txn.commit().await?;
    Ok(now)
}

/// The names with a stored key, and when each was stored.
pub async fn list(
    conn: &impl ConnectionTrait,
    tenant: &Tenant,
) -> Result<Vec<(ProviderName, chrono::DateTime<Utc>)>, IntegrationsError> {
    let rows = creds::Entity::find()
        .filter(creds::Column::PlatformId.eq(tenant.id))
        .all(conn)
        .await?;
    let mut out: Vec<_> = rows.into_iter().map(|r| (r.name, r.updated_at)).collect();
    out.sort_by_key(|(name, _)| name.as_str());
    Ok(out)
}

/// The opened key of `name`, if stored. A value that does not open (another `JWT_SECRET`)
/// counts as missing and is logged without content.
pub async fn key(
    conn: &impl ConnectionTrait,
    seal: &TokenSeal,
    tenant: &Tenant,
    name: ProviderName,
) -> Result<Option<SecretString>, IntegrationsError> {
    let Some(row) = creds::Entity::find_by_id((tenant.id, name))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    match seal.open(&row.sealed, &context(tenant.id, name)) {
        Ok(key) => Ok(Some(key)),
        Err(_) => {
            tracing::warn!(
                provider = name.as_str(),
                "a stored AI credential does not open; store it again"
            );
            Ok(None)
        }
    }
}

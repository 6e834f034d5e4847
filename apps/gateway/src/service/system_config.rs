//! System configuration: the deployment-wide rows and each platform's own values of
//! per-platform keys. A change is audited with the old and the new value and publishes
//! `schedules.changed`, all in its transaction.

use chrono::Utc;
use jobs::schedule_source::SchedulesChanged;
use kernel::{
    AppError,
    audit::{self, Audit},
    auth::{AuthUser, Role},
    system_config::{self, Scope, entity as system_config_row},
};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, EntityTrait, QueryOrder, Set, TransactionTrait,
    sea_query::OnConflict,
};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::ToSchema;
use uuid::Uuid;

/// A deployment-wide row and the caller's platform's own value (per-platform keys only).
pub type WithOwn = (system_config_row::Model, Option<Value>);

/// Which value a change sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// The caller's platform's own value (per-platform keys; the default for them).
    Platform,
    /// The deployment-wide value (SUPERADMIN; the default for global keys).
    Global,
}

/// The scope of a key (keys no crate declares are global).
pub fn scope_of(key: &str) -> Scope {
    crate::settings::find(key).map_or(Scope::Global, |k| k.scope)
}

/// The platform's own value of `key`, for per-platform keys.
async fn own_value(
    db: &impl ConnectionTrait,
    platform_id: Uuid,
    key: &str,
) -> Result<Option<Value>, AppError> {
    Ok(match scope_of(key) {
        Scope::Platform => system_config::platform_value(db, platform_id, key).await?,
        Scope::Global => None,
    })
}

/// Every key by name, with the platform's own values.
pub async fn all(db: &DatabaseConnection, platform_id: Uuid) -> Result<Vec<WithOwn>, AppError> {
    let rows = system_config_row::Entity::find()
        .order_by_asc(system_config_row::Column::Key)
        .all(db)
        .await?;
    let mut own = system_config::platform_values(db, platform_id).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let mine = own.remove(&row.key);
            (row, mine)
        })
        .collect())
}

/// One key (none when there is no row).
pub async fn one(
    db: &DatabaseConnection,
    platform_id: Uuid,
    key: &str,
) -> Result<Option<WithOwn>, AppError> {
    let Some(row) = system_config_row::Entity::find_by_id(key.to_owned())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let own = own_value(db, platform_id, &row.key).await?;
    Ok(Some((row, own)))
}

fn superadmin_only(admin: &AuthUser, why: &str) -> Result<(), AppError> {
    if admin.role == Role::Superadmin {
        Ok(())
    } else {
        Err(AppError::forbidden(format!("{why} requires a superadmin")))
    }
}

/// A change of one key, already checked against its declaration.
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    /// The key.
    pub key: &'a str,
    /// The new value.
    pub value: &'a Value,
    /// What the key controls (deployment-wide changes only).
    pub description: Option<&'a str>,
    /// Which value it sets.
    pub target: Target,
}

/// Sets a key's value for the caller's platform or (SUPERADMIN) deployment-wide, audited,
/// with its `schedules.changed` event, in one transaction; the key afterwards.
pub async fn set(
    db: &DatabaseConnection,
    admin: &AuthUser,
    change: Change<'_>,
) -> Result<WithOwn, AppError> {
    let key = change.key;
    let declared = crate::settings::find(key);
    let txn = db.begin().await?;
    let (before, after) = match change.target {
        Target::Platform => {
            let old = system_config::set_platform_value(
                &txn,
                admin.tenant.id,
                key,
                change.value,
                admin.id,
            )
            .await?;
            let scope = json!({"target": "platform", "platform": admin.tenant.slug});
            (
                json!({"value": old, "scope": scope}),
                json!({"value": change.value, "scope": scope}),
            )
        }
        Target::Global => {
            superadmin_only(admin, "changing a deployment-wide value")?;
            let old = system_config::get(&txn, key).await?;
            upsert_global(&txn, key, change.value, change.description, admin.id).await?;
            (
                json!({"value": old, "scope": {"target": "global"}}),
                json!({"value": change.value, "scope": {"target": "global"}}),
            )
        }
    };
    audit::record(
        &txn,
        Audit::by(admin, "system_config.changed", "system_config", key).change(before, after),
    )
    .await?;
    // the change and its `schedules.changed` event commit together, so schedules toggled by
    // this key follow the commit (see jobs::schedule_source)
    let event = SchedulesChanged {
        what: format!("system_config:{key}"),
    };
    jobs::outbox::publish_in(&txn, &admin.tenant, &event).await?;
    let row = system_config_row::Entity::find_by_id(key.to_owned())
        .one(&txn)
        .await?;
    let row = match row {
        Some(row) => row,
        // a platform value of a declared key whose default row is missing (never seeded)
        None => {
            let k = declared.ok_or_else(|| AppError::not_found("no such key"))?;
            upsert_global(&txn, key, &k.default_value(), Some(k.description), admin.id).await?
        }
    };
    let own = own_value(&txn, admin.tenant.id, &row.key).await?;
    txn.commit().await?;
    Ok((row, own))
}

async fn upsert_global(
    txn: &impl ConnectionTrait,
    key: &str,
    value: &Value,
    description: Option<&str>,
    by: Uuid,
) -> Result<system_config_row::Model, AppError> {
    let row = system_config_row::ActiveModel {
        key: Set(key.to_owned()),
        value: Set(value.clone()),
        description: Set(description.unwrap_or_default().to_owned()),
        updated_at: Set(Utc::now()),
        updated_by: Set(Some(by)),
    };
    let mut columns = vec![
        system_config_row::Column::Value,
        system_config_row::Column::UpdatedAt,
        system_config_row::Column::UpdatedBy,
    ];
    if description.is_some() {
        columns.push(system_config_row::Column::Description);
    }
    Ok(system_config_row::Entity::insert(row)
        .on_conflict(
            OnConflict::column(system_config_row::Column::Key)
                .update_columns(columns)
                .to_owned(),
        )
        .exec_with_returning(txn)
        .await?)
}

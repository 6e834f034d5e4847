//! Sync configs created, changed and deleted by the platform's ADMIN (audited without the
//! key), each write publishing `schedules.changed` in its transaction so the config's BullMQ
//! scheduler follows the commit. The key is sealed, bound to kind, platform and config id.

use jobs::schedule_source::SchedulesChanged;
use kernel::{Tenant, audit, auth::AuthUser, ids::new_id};
use sea_orm::{
    ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, FromQueryResult, SqlErr, Statement,
    TransactionTrait, Value,
};
use serde_json::json;
use uuid::Uuid;

use super::{
    config_values::{Values, values_of},
    configs::{find, seal_context},
};
use crate::{
    IntegrationsError,
    dto::sync::{CreateSyncConfig, UpdateSyncConfig, secret},
    entities::sync_configs::{SyncConfigRow, columns},
    sync::{ExternalSync, SyncKind},
};

fn unique_name(err: DbErr) -> IntegrationsError {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => IntegrationsError::SyncConfigExists,
        _ => IntegrationsError::Db(err),
    }
}

/// Writes the row (insert or update) and returns it.
async fn write(
    txn: &DatabaseTransaction,
    kind: SyncKind,
    insert: Option<(Uuid, Uuid)>,
    id: Uuid,
    sealed: &str,
    v: &Values,
) -> Result<SyncConfigRow, IntegrationsError> {
    let filters = serde_json::to_value(&v.filters).map_err(anyhow::Error::new)?;
    let mut values: Vec<Value> = vec![
        id.into(),
        v.name.trim().to_owned().into(),
        v.base_url.clone().into(),
        sealed.to_owned().into(),
        v.interval_seconds.into(),
        filters.into(),
        v.enabled.into(),
    ];
    let learn = kind == SyncKind::Mrlearn;
    if learn {
        values.extend([
            v.reminders_enabled.into(),
            v.reminder_template.clone().into(),
            v.reminder_language.clone().into(),
            v.reminder_stale_hours.into(),
        ]);
    }
    let table = kind.config_table();
    let cols = columns(kind);
    let sql = match insert {
        Some((platform_id, created_by)) => {
            values.push(platform_id.into());
            values.push(created_by.into());
            let n = values.len();
            let extra = if learn {
                ", reminders_enabled, reminder_template, reminder_language, reminder_stale_hours"
            } else {
                ""
            };
            let params: Vec<String> = (1..=n).map(|i| format!("${i}")).collect();
            format!(
                "INSERT INTO {table} (id, name, base_url, api_key_sealed, interval_seconds, filters, \
                 enabled{extra}, platform_id, created_by) VALUES ({}) RETURNING {cols}",
                params.join(", ")
            )
        }
        None => {
            let extra = if learn {
                ", reminders_enabled = $8, reminder_template = $9, reminder_language = $10, \
                 reminder_stale_hours = $11"
            } else {
                ""
            };
            format!(
                "UPDATE {table} SET name = $2, base_url = $3, api_key_sealed = $4, \
                 interval_seconds = $5, filters = $6, enabled = $7{extra}, updated_at = now() \
                 WHERE id = $1 RETURNING {cols}"
            )
        }
    };
    SyncConfigRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        sql,
        values,
    ))
    .one(txn)
    .await
    .map_err(unique_name)?
    .ok_or(IntegrationsError::SyncConfigNotFound)
}

/// Publishes `schedules.changed` and commits; wakes the relay.
async fn commit(
    sync: &ExternalSync,
    txn: DatabaseTransaction,
    tenant: &Tenant,
    kind: SyncKind,
    id: Uuid,
) -> Result<(), IntegrationsError> {
    let event = SchedulesChanged {
        what: format!("{}:{id}", kind.config_table()),
    };
    jobs::outbox::publish_in(&txn, tenant, &event).await?;
    txn.commit().await?;
    sync.jobs.notify_committed();
    Ok(())
}

/// Creates a config (its schedule starts when it is enabled).
#[tracing::instrument(skip_all, fields(kind = kind.as_str()), err)]
pub async fn create(
    sync: &ExternalSync,
    user: &AuthUser,
    kind: SyncKind,
    body: &CreateSyncConfig,
) -> Result<SyncConfigRow, IntegrationsError> {
    let v = Values {
        name: body.name.trim().to_owned(),
        base_url: body
            .base_url
            .as_ref()
            .map(|u| u.trim_end_matches('/').to_owned()),
        interval_seconds: body.interval_seconds,
        filters: body.filters.clone().unwrap_or_default(),
        enabled: body.enabled.unwrap_or(true),
        reminders_enabled: body.reminders_enabled.unwrap_or(false),
        reminder_template: body.reminder_template.clone(),
        reminder_language: body
            .reminder_language
            .clone()
            .unwrap_or_else(|| "en".into()),
        reminder_stale_hours: body.reminder_stale_hours.unwrap_or(72),
    };
    v.check(sync, kind)?;
    let id = new_id();
    let sealed = sync
        .seal
        .seal(
            &secret(&body.api_key),
            &seal_context(kind, user.tenant.id, id),
        )
        .map_err(anyhow::Error::new)?;
    let txn = sync.ctx.db.begin().await?;
    let row = write(&txn, kind, Some((user.tenant.id, user.id)), id, &sealed, &v).await?;
    audit::record(
        &txn,
        audit::Audit::by(user, "sync_config.created", kind.config_table(), id)
            .after(v.audit_view()),
    )
    .await?;
    commit(sync, txn, &user.tenant, kind, id).await?;
    Ok(row)
}

/// Changes a config (absent fields stay; `api_key` rotates the key).
#[tracing::instrument(skip_all, fields(kind = kind.as_str(), %id), err)]
pub async fn update(
    sync: &ExternalSync,
    user: &AuthUser,
    kind: SyncKind,
    id: Uuid,
    body: &UpdateSyncConfig,
) -> Result<SyncConfigRow, IntegrationsError> {
    let txn = sync.ctx.db.begin().await?;
    let row = find(&txn, kind, user.tenant.id, id, true)
        .await?
        .ok_or(IntegrationsError::SyncConfigNotFound)?;
    let before = values_of(&row);
    let mut v = values_of(&row);
    if let Some(name) = &body.name {
        v.name = name.trim().to_owned();
    }
    if let Some(url) = &body.base_url {
        v.base_url = match url.trim() {
            "" => None,
            url if url.starts_with("http://") || url.starts_with("https://") => {
                Some(url.trim_end_matches('/').to_owned())
            }
            _ => {
                return Err(IntegrationsError::Invalid(
                    "base_url".into(),
                    "must be an http(s) URL".into(),
                ));
            }
        };
    }
    if let Some(n) = body.interval_seconds {
        v.interval_seconds = n;
    }
    if let Some(filters) = &body.filters {
        v.filters = filters.clone();
    }
    if let Some(enabled) = body.enabled {
        v.enabled = enabled;
    }
    if let Some(on) = body.reminders_enabled {
        v.reminders_enabled = on;
    }
    if let Some(t) = &body.reminder_template {
        v.reminder_template = Some(t.clone());
    }
    if let Some(l) = &body.reminder_language {
        v.reminder_language = l.clone();
    }
    if let Some(h) = body.reminder_stale_hours {
        v.reminder_stale_hours = h;
    }
    v.check(sync, kind)?;
    let sealed = match &body.api_key {
        Some(key) => sync
            .seal
            .seal(&secret(key), &seal_context(kind, user.tenant.id, id))
            .map_err(anyhow::Error::new)?,
        None => row.api_key_sealed.clone(),
    };
    let updated = write(&txn, kind, None, id, &sealed, &v).await?;
    let mut after = v.audit_view();
    after["api_key_rotated"] = json!(body.api_key.is_some());
    audit::record(
        &txn,
        audit::Audit::by(user, "sync_config.updated", kind.config_table(), id)
            .change(before.audit_view(), after),
    )
    .await?;
    commit(sync, txn, &user.tenant, kind, id).await?;
    Ok(updated)
}

/// Deletes a config, its synced rows and its runs; its scheduler goes with the commit.
#[tracing::instrument(skip_all, fields(kind = kind.as_str(), %id), err)]
pub async fn delete(
    sync: &ExternalSync,
    user: &AuthUser,
    kind: SyncKind,
    id: Uuid,
) -> Result<(), IntegrationsError> {
    let txn = sync.ctx.db.begin().await?;
    let row = find(&txn, kind, user.tenant.id, id, true)
        .await?
        .ok_or(IntegrationsError::SyncConfigNotFound)?;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "DELETE FROM {} WHERE id = $1 AND platform_id = $2",
            kind.config_table()
        ),
        [id.into(), user.tenant.id.into()],
    ))
    .await?;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "DELETE FROM sync_runs WHERE config_kind = $1 AND config_id = $2 AND platform_id = $3",
        [kind.as_str().into(), id.into(), user.tenant.id.into()],
    ))
    .await?;
    audit::record(
        &txn,
        audit::Audit::by(user, "sync_config.deleted", kind.config_table(), id)
            .change(values_of(&row).audit_view(), json!(null)),
    )
    .await?;
    commit(sync, txn, &user.tenant, kind, id).await
}

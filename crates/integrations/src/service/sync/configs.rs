//! Reading sync configs (always filtered by platform: another platform's id is missing) and
//! opening their sealed keys. The writes are in `config_changes`.

use kernel::Tenant;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use secrecy::SecretString;
use uuid::Uuid;

use crate::{
    IntegrationsError,
    entities::sync_configs::{SyncConfigRow, columns},
    sync::{ExternalSync, SyncKind},
};

/// The sealed key's associated data: a value copied to another row does not open.
pub fn seal_context(kind: SyncKind, platform_id: Uuid, id: Uuid) -> String {
    format!("{}-sync-config/{platform_id}/{id}", kind.as_str())
}

/// The opened key of a config. A value that does not open (another `JWT_SECRET`) is an
/// error naming the config, never the value.
pub fn open_key(
    sync: &ExternalSync,
    kind: SyncKind,
    row: &SyncConfigRow,
) -> Result<SecretString, IntegrationsError> {
    sync.seal
        .open(
            &row.api_key_sealed,
            &seal_context(kind, row.platform_id, row.id),
        )
        .map_err(|_| {
            IntegrationsError::ExternalApi(format!(
                "the stored key of sync config {} does not open; store it again",
                row.id
            ))
        })
}

/// One config of the platform (404 `sync_config_not_found` otherwise, also for another
/// platform's id).
pub async fn get(
    conn: &impl ConnectionTrait,
    tenant: &Tenant,
    kind: SyncKind,
    id: Uuid,
) -> Result<SyncConfigRow, IntegrationsError> {
    find(conn, kind, tenant.id, id, false)
        .await?
        .ok_or(IntegrationsError::SyncConfigNotFound)
}

/// A config by platform and id (`FOR UPDATE` locks it in a transaction).
pub async fn find(
    conn: &impl ConnectionTrait,
    kind: SyncKind,
    platform_id: Uuid,
    id: Uuid,
    for_update: bool,
) -> Result<Option<SyncConfigRow>, DbErr> {
    let lock = if for_update { " FOR UPDATE" } else { "" };
    SyncConfigRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {} FROM {} WHERE platform_id = $1 AND id = $2{lock}",
            columns(kind),
            kind.config_table()
        ),
        [platform_id.into(), id.into()],
    ))
    .one(conn)
    .await
}

/// The platform's configs, by name.
pub async fn list(
    conn: &impl ConnectionTrait,
    tenant: &Tenant,
    kind: SyncKind,
) -> Result<Vec<SyncConfigRow>, IntegrationsError> {
    Ok(
        SyncConfigRow::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "SELECT {} FROM {} WHERE platform_id = $1 ORDER BY name, id",
                columns(kind),
                kind.config_table()
            ),
            [tenant.id.into()],
        ))
        .all(conn)
        .await?,
    )
}

//! Per-test databases cloned from a template that is migrated and seeded once per
//! migration fingerprint (shared across test processes, guarded by an advisory lock).

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};
use tokio::sync::OnceCell;

use crate::postgres_server;

static TEMPLATE: OnceCell<String> = OnceCell::const_new();

/// Advisory lock key for template creation.
const TEMPLATE_LOCK: i64 = 0x6d61_735f_7470_6c00;

async fn admin() -> DatabaseConnection {
    let mut opts = sea_orm::ConnectOptions::new(format!("{}/postgres", postgres_server()));
    opts.max_connections(1)
        .min_connections(0)
        .sqlx_logging(false);
    Database::connect(opts)
        .await
        .expect("connecting to the postgres maintenance database")
}

async fn exists(db: &DatabaseConnection, name: &str) -> bool {
    db.query_one_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT 1 AS one FROM pg_database WHERE datname = $1",
        [name.into()],
    ))
    .await
    .expect("querying pg_database")
    .is_some()
}

/// The template's name, building it if this fingerprint has none yet.
pub async fn template() -> String {
    TEMPLATE
        .get_or_init(|| async {
            let name = format!("mas_tpl_{}", migration::FINGERPRINT);
            let admin = admin().await;
            admin
                .execute_unprepared(&format!("SELECT pg_advisory_lock({TEMPLATE_LOCK})"))
                .await
                .unwrap();
            if !exists(&admin, &name).await {
                build_template(&admin, &name).await;
            }
            admin
                .execute_unprepared(&format!("SELECT pg_advisory_unlock({TEMPLATE_LOCK})"))
                .await
                .unwrap();
            admin.close().await.ok();
            name
        })
        .await
        .clone()
}

async fn build_template(admin: &DatabaseConnection, name: &str) {
    // Templates of other fingerprints go once they are a day old (another checkout or branch
    // on this machine may still be using a younger one); half-built ones of this fingerprint
    // go now. The build time is kept in the database's comment.
    let stale = admin
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            format!(
                "SELECT datname FROM pg_database WHERE datname LIKE 'mas\\_tpl\\_%' \
                 AND datname <> '{name}' \
                 AND coalesce(substring(shobj_description(oid, 'pg_database') FROM 'built (\\d+)')::bigint, 0) \
                     < extract(epoch FROM now())::bigint - 86400"
            ),
        ))
        .await
        .unwrap();
    for row in stale {
        let old: String = row.try_get("", "datname").unwrap();
        admin
            .execute_unprepared(&format!("ALTER DATABASE \"{old}\" IS_TEMPLATE false"))
            .await
            .ok();
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{old}\" WITH (FORCE)"))
            .await
            .ok();
    }
    let building = format!("{name}_building");
    admin
        .execute_unprepared(&format!(
            "DROP DATABASE IF EXISTS \"{building}\" WITH (FORCE)"
        ))
        .await
        .unwrap();
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{building}\""))
        .await
        .unwrap();
    let config = gateway::config::GatewayConfig::from_lookup(|k| match k {
        "DATABASE_URL" => Some(format!("{}/{building}", postgres_server())),
        _ => None,
    })
    .unwrap();
    gateway::startup::prepare_database(&config)
        .await
        .expect("migrating and seeding the template");
    admin
        .execute_unprepared(&format!(
            "ALTER DATABASE \"{building}\" RENAME TO \"{name}\""
        ))
        .await
        .unwrap();
    admin
        .execute_unprepared(&format!("ALTER DATABASE \"{name}\" IS_TEMPLATE true"))
        .await
        .unwrap();
    admin
        .execute_unprepared(&format!(
            "COMMENT ON DATABASE \"{name}\" IS 'mas test template, built {}'",
            chrono::Utc::now().timestamp()
        ))
        .await
        .unwrap();
}

/// A fresh database cloned from the template; its name encodes the creation time so the
/// leftovers of killed test runs can be swept.
pub async fn clone_template() -> String {
    let template = template().await;
    let now = chrono::Utc::now().timestamp();
    let name = format!("mas_test_{now}_{}", uuid::Uuid::now_v7().simple());
    let admin = admin().await;
    sweep_stale(&admin, now).await;
    admin
        .execute_unprepared(&format!(
            "CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""
        ))
        .await
        .expect("cloning the template database");
    admin.close().await.ok();
    name
}

/// Drops test databases older than two hours (left by killed runs).
async fn sweep_stale(admin: &DatabaseConnection, now: i64) {
    let Ok(rows) = admin
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT datname FROM pg_database WHERE datname LIKE 'mas\\_test\\_%'",
        ))
        .await
    else {
        return;
    };
    for row in rows {
        let Ok(name) = row.try_get::<String>("", "datname") else {
            continue;
        };
        let created = name
            .split('_')
            .nth(2)
            .and_then(|t| t.parse::<i64>().ok())
            .unwrap_or(now);
        if now - created > 7200 {
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await
                .ok();
        }
    }
}

/// Drops a test database (used on drop of a `TestApp`).
pub async fn drop_database(name: &str) {
    let admin = admin().await;
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .await
        .ok();
    admin.close().await.ok();
}

/// Deletes every Redis key under `prefix`.
pub async fn clear_redis_prefix(prefix: &str) {
    let Ok(client) = redis::Client::open(crate::redis_url()) else {
        return;
    };
    let Ok(mut conn) = client.get_multiplexed_async_connection().await else {
        return;
    };
    let mut cursor: u64 = 0;
    loop {
        let Ok((next, keys)): Result<(u64, Vec<String>), _> = redis::cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg(format!("{prefix}*"))
            .arg("COUNT")
            .arg(500)
            .query_async(&mut conn)
            .await
        else {
            return;
        };
        if !keys.is_empty() {
            let _: Result<(), _> = redis::cmd("DEL").arg(&keys).query_async(&mut conn).await;
        }
        if next == 0 {
            return;
        }
        cursor = next;
    }
}

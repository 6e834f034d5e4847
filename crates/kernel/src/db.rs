//! PostgreSQL: create the database if missing, connect a pool sized from config, ping.

use std::time::Duration;

use anyhow::Context;
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement,
};
use secrecy::ExposeSecret;

use crate::config::{Config, redact_url};

/// Splits `postgres://…/name?params` into the URL of the `postgres` maintenance database and
/// the database name.
pub fn split_database_url(url: &str) -> anyhow::Result<(String, String)> {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let slash = base
        .rfind('/')
        .filter(|i| *i > base.find("://").map_or(0, |s| s + 2))
        .context("DATABASE_URL has no database name")?;
    let name = &base[slash + 1..];
    anyhow::ensure!(!name.is_empty(), "DATABASE_URL has no database name");
    anyhow::ensure!(
        name.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'),
        "database name {name:?} must be letters, digits, '_' or '-'"
    );
    let mut admin = format!("{}/postgres", &base[..slash]);
    if let Some(q) = query {
        admin.push('?');
        admin.push_str(q);
    }
    Ok((admin, name.to_owned()))
}

/// Creates the database named in `url` when it does not exist (safe when several processes race).
pub async fn ensure_database(url: &str) -> anyhow::Result<()> {
    let (admin_url, name) = split_database_url(url)?;
    let mut opts = ConnectOptions::new(admin_url);
    opts.max_connections(1)
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(5));
    let admin = Database::connect(opts).await.with_context(|| {
        format!(
            "connecting to the maintenance database of {}",
            redact_url(url)
        )
    })?;
    let exists = admin
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 AS one FROM pg_database WHERE datname = $1",
            [name.clone().into()],
        ))
        .await?
        .is_some();
    if !exists {
        let created = admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await;
        match created {
            Ok(_) => tracing::info!(database = %name, "created database"),
            // 42P04 duplicate_database: another process won the race.
            Err(e) if e.to_string().contains("already exists") => {}
            Err(e) => return Err(e).context("creating the database"),
        }
    }
    admin.close().await.ok();
    Ok(())
}

/// A pooled connection idle at least this long is pinged before use (HikariCP's
/// `aliveBypassWindowMs` is the same half second).
pub const PING_IF_IDLE_FOR: Duration = Duration::from_millis(500);

/// Connects the application pool.
pub async fn connect(config: &Config) -> anyhow::Result<DatabaseConnection> {
    connect_url(config.database_url.expose_secret(), config).await
}

/// Connects a pool to `url` with the pool settings of `config`.
pub async fn connect_url(url: &str, config: &Config) -> anyhow::Result<DatabaseConnection> {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.max_connections(config.db_pool_max)
        .min_connections(config.db_pool_min)
        .connect_timeout(config.db_connect_timeout)
        .acquire_timeout(config.db_acquire_timeout)
        .idle_timeout(Duration::from_secs(300))
        // a connection that sat idle is pinged before it is handed out (PostgreSQL may have
        // restarted, or a proxy dropped it); one in steady use is not: SQLx's default pings
        // on every acquire, a round trip per request and per transaction (ADR 0092). SQLx
        // still pings each connection when it is released, which flushes an abandoned
        // transaction's rollback and drops a broken connection.
        .test_before_acquire_if_idle_for(PING_IF_IDLE_FOR)
        .sqlx_logging(false);
    Database::connect(opts)
        .await
        .with_context(|| format!("connecting to {}", redact_url(url)))
}

/// Pool gauges for `/metrics`: (open connections, idle connections).
pub fn pool_stats(db: &DatabaseConnection) -> (u32, usize) {
    let pool = db.get_postgres_connection_pool();
    (pool.size(), pool.num_idle())
}

/// Whether a database error is the violation of the named constraint (for answering a
/// unique or check violation with the domain's own code).
pub fn violates(err: &sea_orm::DbErr, constraint: &str) -> bool {
    err.to_string().contains(constraint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_urls() {
        let (admin, name) =
            split_database_url("postgres://u:p@h:5432/mas?sslmode=disable").unwrap();
        assert_eq!(admin, "postgres://u:p@h:5432/postgres?sslmode=disable");
        assert_eq!(name, "mas");
        assert!(split_database_url("postgres://h:5432").is_err());
        assert!(split_database_url("postgres://h/x;drop").is_err());
    }
}

//! The database probe of `/api/test-data`.

use chrono::{DateTime, Utc};
use kernel::AppError;
use sea_orm::{ConnectionTrait, DbBackend, Statement};

/// What one round trip through the database saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// The database server's clock.
    pub server_time: DateTime<Utc>,
    /// PostgreSQL version string.
    pub server_version: String,
    /// Applied migrations.
    pub migrations_applied: i64,
    /// Active platforms.
    pub platforms: i64,
}

/// Runs the probe query.
pub async fn run(db: &impl ConnectionTrait) -> Result<Seen, AppError> {
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT now() AS server_time, version() AS server_version, \
             (SELECT count(*) FROM seaql_migrations) AS migrations_applied, \
             (SELECT count(*) FROM platforms WHERE active) AS platforms",
        ))
        .await?
        .ok_or_else(|| anyhow::anyhow!("the probe query returned no row"))?;
    Ok(Seen {
        server_time: row.try_get("", "server_time")?,
        server_version: row.try_get("", "server_version")?,
        migrations_applied: row.try_get("", "migrations_applied")?,
        platforms: row.try_get("", "platforms")?,
    })
}

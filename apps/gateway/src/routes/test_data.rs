//! A database probe for operators (the seed's `/api/test-data`), admins only.

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use kernel::routes::ServiceConfig;
use kernel::{
    AppContext,
    auth::{Admin, Require},
    error::AppResult,
};
use serde::Serialize;
use utoipa::ToSchema;

/// Mounts `/api/test-data`.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(probe);
}

/// What the probe saw.
#[derive(Debug, Serialize, ToSchema)]
pub struct Probe {
    /// `ok` when the queries ran.
    pub database: &'static str,
    /// The database server's clock.
    pub server_time: DateTime<Utc>,
    /// PostgreSQL version string.
    pub server_version: String,
    /// Applied migrations.
    pub migrations_applied: i64,
    /// Active platforms.
    pub platforms: i64,
}

/// Runs a round trip through the database and reports what it saw.
#[utoipa::path(tag = "meta", security(("bearer" = [])), responses((status = 200, body = Probe)))]
#[get("/api/test-data")]
async fn probe(_admin: Require<Admin>, ctx: web::Data<AppContext>) -> AppResult<web::Json<Probe>> {
    let seen = crate::service::probe::run(&ctx.db).await?;
    Ok(web::Json(Probe {
        database: "ok",
        server_time: seen.server_time,
        server_version: seen.server_version,
        migrations_applied: seen.migrations_applied,
        platforms: seen.platforms,
    }))
}

//! Liveness and readiness.

use actix_web::{HttpResponse, get, http::header, web};
use kernel::routes::ServiceConfig;
use kernel::{
    AppContext,
    error::{PROBLEM_JSON, Problem, problem_body},
};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

/// Mounts `/api/health` and `/api/health/ready`.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health).service(ready);
}

/// Liveness answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok` while the process serves.
    pub status: &'static str,
    /// Version of the gateway.
    pub version: &'static str,
}

/// Readiness answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Ready {
    /// `ok`.
    pub status: &'static str,
    /// Each dependency and its state (`ok` or the error).
    #[schema(value_type = Object, example = json!({"database": "ok", "redis": "ok"}))]
    pub checks: serde_json::Map<String, serde_json::Value>,
}

/// Liveness: 200 while the process is up, whatever its dependencies do.
#[utoipa::path(tag = "meta", responses((status = 200, body = Health)))]
#[get("/api/health")]
async fn health() -> web::Json<Health> {
    web::Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    })
}

/// Readiness: PostgreSQL and Redis both answer; 503 naming the failing one otherwise.
#[utoipa::path(
    tag = "meta",
    responses(
        (status = 200, body = Ready),
        (status = 503, description = "A dependency is down; `checks` names it", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/health/ready")]
async fn ready(ctx: web::Data<AppContext>) -> HttpResponse {
    let database = async {
        match tokio::time::timeout(ctx.config.ready_check_timeout, ctx.db.ping()).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err("timed out".to_owned()),
        }
    };
    let redis = async {
        kernel::redis::ping(&ctx.redis, ctx.config.ready_check_timeout)
            .await
            .map_err(|e| format!("{e:#}"))
    };
    let (database, redis) = futures::join!(database, redis);
    let mut checks = serde_json::Map::new();
    let mut failing = Vec::new();
    for (name, result) in [("database", database), ("redis", redis)] {
        match result {
            Ok(()) => {
                checks.insert(name.into(), json!("ok"));
            }
            Err(why) => {
                tracing::warn!(check = name, error = %why, "readiness check failed");
                // the cause goes to the log only: this endpoint is reachable from outside
                checks.insert(name.into(), json!("unavailable"));
                failing.push(name);
            }
        }
    }
    if failing.is_empty() {
        return HttpResponse::Ok().json(Ready {
            status: "ok",
            checks,
        });
    }
    let err = kernel::AppError::new(
        &crate::error::codes::NOT_READY,
        format!("unavailable: {}", failing.join(", ")),
    );
    let mut body = serde_json::to_value(err.problem()).unwrap_or_default();
    if let Some(obj) = body.as_object_mut() {
        obj.insert("checks".into(), serde_json::Value::Object(checks));
    }
    let text = serde_json::to_string(&body).unwrap_or_else(|_| problem_body(&err.problem()));
    HttpResponse::ServiceUnavailable()
        .insert_header((header::CONTENT_TYPE, PROBLEM_JSON))
        .body(text)
}

//! Prometheus exposition.

use actix_web::{HttpResponse, get, web};
use kernel::AppContext;
use utoipa_actix_web::service_config::ServiceConfig;

/// Mounts `/metrics`.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(metrics);
}

/// Prometheus text format: HTTP requests and latencies by route and status, pool gauges.
#[utoipa::path(tag = "meta", responses((status = 200, description = "Prometheus text format", content_type = "text/plain")))]
#[get("/metrics")]
async fn metrics(ctx: web::Data<AppContext>) -> HttpResponse {
    let text = ctx.metrics.render(&ctx.db, ctx.config.db_pool_max);
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(text)
}

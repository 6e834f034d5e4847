//! Prometheus exposition. The metrics name routes, queues and pool sizes, so they are not
//! for the public: with `METRICS_TOKEN` set, scrapers send `Authorization: Bearer <token>`;
//! without it, development serves everyone and production only loopback peers (a scraper on
//! the same host or pod). Anything else is 401 (or 404 in production without a token).

use actix_web::{HttpRequest, HttpResponse, get, http::header, web};
use kernel::routes::ServiceConfig;
use kernel::{AppContext, AppError, crypto::secrets_equal};
use secrecy::ExposeSecret;

/// Mounts `/metrics`.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(metrics);
}

fn allowed(req: &HttpRequest, ctx: &AppContext) -> Result<(), AppError> {
    if let Some(token) = &ctx.config.metrics_token {
        let given = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        return if secrets_equal(given.as_bytes(), token.expose_secret().as_bytes()) {
            Ok(())
        } else {
            Err(AppError::unauthorized("metrics need the scrape token"))
        };
    }
    let loopback = req.peer_addr().is_some_and(|a| a.ip().is_loopback());
    if !ctx.config.app_env.is_production() || loopback {
        Ok(())
    } else {
        Err(AppError::not_found("no route for GET /metrics"))
    }
}

/// Prometheus text format: HTTP requests and latencies by route and status, pool gauges.
#[utoipa::path(tag = "meta", security((), ("metrics_token" = [])), responses(
    (status = 200, description = "Prometheus text format", content_type = "text/plain"),
    (status = 401, description = "`METRICS_TOKEN` is set and the request does not carry it", body = kernel::error::Problem, content_type = "application/problem+json"),
    (status = 404, description = "production without `METRICS_TOKEN`, from another host", body = kernel::error::Problem, content_type = "application/problem+json"),
))]
#[get("/metrics")]
async fn metrics(req: HttpRequest, ctx: web::Data<AppContext>) -> Result<HttpResponse, AppError> {
    allowed(&req, &ctx)?;
    let text = ctx.metrics.render(&ctx.db, ctx.config.db_pool_max);
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(text))
}

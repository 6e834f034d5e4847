//! The LLM gateway's HTTP routes. Not behind a platform module: every platform may use the
//! gateway, each with its own agents, keys and budget.

pub mod agent_config;
pub mod ai;
pub mod credentials;
pub mod usage;

use utoipa_actix_web::{scope, service_config::ServiceConfig};

/// The OpenAPI tag of these routes.
pub const TAG: &str = "ai";

/// Mounts every route of the crate.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(scope::scope("/api/ai").service(ai::complete))
        .service(
            scope::scope("/api/admin/agent-config")
                .service(agent_config::get)
                .service(agent_config::put),
        )
        .service(
            scope::scope("/api/admin/credentials")
                .service(credentials::list)
                .service(credentials::put),
        )
        .service(scope::scope("/api/admin/ai-calls").service(usage::calls))
        .service(scope::scope("/api/admin/ai-usage").service(usage::usage));
}

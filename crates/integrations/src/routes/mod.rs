//! The integrations' HTTP routes: the LLM gateway, the credential proxy, the student
//! profile for AI agents, the Google Drive connector and the Judge0 proxy. Not behind a platform module: every
//! platform may use them, each with its own agents, keys, budget and connections. The
//! Graphy / EzExam sync's routes are under `/api/graphy` and `/api/ezexam`; Razorpay's
//! webhook for every product that sells something is `POST /api/webhooks/razorpay`.

pub mod agent_config;
pub mod ai;
pub mod credentials;
pub mod drive;
pub mod ezexam;
pub mod graphy;
pub mod judge0;
pub mod payments;
pub mod profile;
pub mod proxy;
mod sync_configs;
pub mod usage;

use kernel::routes::{ServiceConfig, scope};

/// The OpenAPI tag of these routes.
pub const TAG: &str = "ai";

/// Mounts every route of the crate.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        scope("/api/ai")
            .service(ai::complete)
            .service(profile::student_profile),
    )
    .service(scope("/api/credential-proxy").service(proxy::forward))
    .service(
        scope("/api/judge0")
            .service(judge0::submit)
            .service(judge0::languages),
    )
    .service(
        scope("/api/google-drive-connector")
            .service(drive::connect)
            .service(drive::callback)
            .service(drive::status)
            .service(drive::disconnect)
            .service(drive::files)
            .service(drive::import),
    )
    .service(
        scope("/api/admin/agent-config")
            .service(agent_config::get)
            .service(agent_config::put),
    )
    .service(
        scope("/api/admin/credentials")
            .service(credentials::list)
            .service(credentials::put),
    )
    .service(scope("/api/admin/ai-calls").service(usage::calls))
    .service(scope("/api/admin/ai-usage").service(usage::usage))
    .service(payments::razorpay_webhook);
    configure_sync(cfg);
}

/// The Graphy / EzExam sync's scopes (not behind a platform module: any platform may connect
/// its own Graphy school or EzExam account). Literal segments (`/sync-configs`) are mounted
/// under their own segment, so no `{id}` can shadow them.
fn configure_sync(cfg: &mut ServiceConfig) {
    cfg.service(
        scope("/api/graphy")
            .service(graphy::sync_configs::list)
            .service(graphy::sync_configs::create)
            .service(graphy::sync_configs::get)
            .service(graphy::sync_configs::update)
            .service(graphy::sync_configs::remove)
            .service(graphy::sync_configs::run)
            .service(graphy::sync_configs::runs)
            .service(graphy::learners)
            .service(graphy::courses),
    )
    .service(
        scope("/api/ezexam")
            .service(ezexam::sync_configs::list)
            .service(ezexam::sync_configs::create)
            .service(ezexam::sync_configs::get)
            .service(ezexam::sync_configs::update)
            .service(ezexam::sync_configs::remove)
            .service(ezexam::sync_configs::run)
            .service(ezexam::sync_configs::runs)
            .service(ezexam::exams)
            .service(ezexam::results),
    );
}

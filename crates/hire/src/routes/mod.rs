//! The HTTP routes of Mr. Hire (behind the `hire` module).

pub mod admin_posts;
pub mod applications;
pub mod apply;
pub mod candidates;
pub mod posts;
pub mod screening;
pub mod voice;

use kernel::tenant::ModuleGate;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

/// The platform module these routes belong to.
pub const MODULE: &str = "hire";

/// Mounts every route of the crate.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        scope::scope("/api/admin/job-posts")
            .wrap(ModuleGate(MODULE))
            .service(admin_posts::create)
            .service(admin_posts::list)
            .service(admin_posts::detail)
            .service(admin_posts::update)
            .service(admin_posts::adverse_impact),
    )
    .service(
        scope::scope("/api/admin/job-templates")
            .wrap(ModuleGate(MODULE))
            .service(admin_posts::templates),
    )
    .service(
        scope::scope("/api/job-posts")
            .wrap(ModuleGate(MODULE))
            .service(posts::list)
            .service(posts::detail)
            .service(apply::apply),
    )
    .service(
        scope::scope("/api/admin/job-applications")
            .wrap(ModuleGate(MODULE))
            .service(applications::list)
            .service(applications::bulk_stage)
            .service(applications::detail)
            .service(applications::move_stage)
            .service(applications::add_note)
            .service(applications::rate)
            .service(applications::resume)
            .service(applications::send_quiz)
            .service(applications::list_quizzes)
            .service(voice::dispatch)
            .service(voice::list),
    )
    .service(
        scope::scope("/api/admin/resume-analysis")
            .wrap(ModuleGate(MODULE))
            .service(screening::analysis)
            .service(screening::set_override),
    )
    .service(
        scope::scope("/api/admin/candidates")
            .wrap(ModuleGate(MODULE))
            .service(candidates::erase),
    )
    // no module gate: the conversation id names the platform
    .service(scope::scope("/api/webhooks/elevenlabs").service(voice::webhook))
    .service(
        scope::scope("/api/admin/screening-config")
            .wrap(ModuleGate(MODULE))
            .service(screening::get_config)
            .service(screening::put_config),
    );
}

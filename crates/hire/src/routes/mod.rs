//! The HTTP routes of Mr. Hire (behind the `hire` module).

pub mod admin_posts;
pub mod applications;
pub mod apply;
pub mod candidates;
pub mod ozone;
pub mod placement;
pub mod posts;
pub mod reviews;
pub mod screening;
pub mod talent;
pub mod templates;
pub mod voice;

use kernel::routes::{ServiceConfig, scope};
use kernel::tenant::ModuleGate;

/// The platform module these routes belong to.
pub const MODULE: &str = "hire";

/// Mounts every route of the crate.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        scope("/api/admin/job-posts")
            .wrap(ModuleGate(MODULE))
            .service(admin_posts::create)
            .service(admin_posts::list)
            .service(admin_posts::detail)
            .service(admin_posts::update)
            .service(admin_posts::adverse_impact),
    )
    .service(
        scope("/api/admin/job-templates")
            .wrap(ModuleGate(MODULE))
            .service(admin_posts::templates)
            .service(templates::create)
            .service(templates::update)
            .service(templates::archive),
    )
    .service(
        scope("/api/admin/stage-templates")
            .wrap(ModuleGate(MODULE))
            .service(templates::stage_list)
            .service(templates::stage_put),
    )
    .service(
        scope("/api/job-posts")
            .wrap(ModuleGate(MODULE))
            .service(posts::list)
            .service(posts::detail)
            .service(apply::apply),
    )
    .service(
        scope("/api/admin/job-applications")
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
            .service(voice::list)
            .service(reviews::resolve)
            .service(reviews::put_scorecard)
            .service(reviews::scorecards),
    )
    .service(
        scope("/api/human-review")
            .wrap(ModuleGate(MODULE))
            .service(reviews::request),
    )
    .service(
        scope("/api/admin/resume-analysis")
            .wrap(ModuleGate(MODULE))
            .service(screening::analysis)
            .service(screening::set_override),
    )
    .service(
        scope("/api/admin/candidates")
            .wrap(ModuleGate(MODULE))
            .service(candidates::duplicates)
            .service(candidates::erase)
            .service(candidates::merge)
            .service(candidates::export),
    )
    .service(
        scope("/api/admin/candidate-merges")
            .wrap(ModuleGate(MODULE))
            .service(candidates::undo_merge),
    )
    .service(
        scope("/api/miss-ozone")
            .wrap(ModuleGate("lms|hire"))
            .service(ozone::list_configs)
            .service(ozone::create_config)
            .service(ozone::update_config)
            .service(ozone::create_call)
            .service(ozone::list_calls)
            .service(ozone::call_detail)
            .service(ozone::cancel_call)
            .service(ozone::my_calls),
    )
    .service(
        scope("/api/placement-score")
            .wrap(ModuleGate("lms|hire"))
            .service(placement::mine)
            .service(placement::of_student),
    )
    .service(
        scope("/api/talent-pool")
            .wrap(ModuleGate(MODULE))
            .service(talent::pool),
    )
    .service(
        scope("/api/salary-benchmark")
            .wrap(ModuleGate(MODULE))
            .service(talent::benchmark)
            .service(talent::refresh)
            .service(talent::sources)
            .service(talent::put_sources),
    )
    // no module gate: the conversation id names the platform
    .service(scope("/api/webhooks/elevenlabs").service(voice::webhook))
    .service(
        scope("/api/admin/screening-config")
            .wrap(ModuleGate(MODULE))
            .service(screening::get_config)
            .service(screening::put_config),
    );
}

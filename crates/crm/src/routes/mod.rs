//! The HTTP routes of the CRM (behind the `crm` module).

pub mod admin;
pub mod agreements;
pub mod campaigns;
pub mod capture;
pub mod discounts;
pub mod marketing;
pub mod sales;
pub mod vendor;
pub mod workflows;

use kernel::routes::{ServiceConfig, scope};
use kernel::tenant::ModuleGate;

/// The platform module these routes belong to.
pub const MODULE: &str = "crm";

/// Mounts every route of the crate.
pub fn configure(cfg: &mut ServiceConfig) {
    marketing_routes(cfg);
    cfg.service(
        scope("/api/v1/vendor/leads")
            .wrap(ModuleGate(MODULE))
            .service(vendor::create),
    )
    .service(
        scope("/api/leads")
            .wrap(ModuleGate(MODULE))
            .service(capture::capture),
    )
    .service(
        scope("/api/sales/leads")
            .wrap(ModuleGate(MODULE))
            .service(sales::list)
            .service(sales::detail)
            .service(sales::change_stage)
            .service(sales::add_note)
            .service(sales::add_task)
            .service(sales::assign)
            .service(sales::set_preferences)
            .service(sales::merge_into)
            .service(sales::unmerge)
            .service(sales::call),
    )
    .service(
        scope("/api/sales/dashboard")
            .wrap(ModuleGate(MODULE))
            .service(sales::dashboard),
    )
    .service(
        scope("/api/admin/crm")
            .wrap(ModuleGate(MODULE))
            .service(admin::create_team)
            .service(admin::add_member)
            .service(admin::list_agents)
            .service(admin::put_agent)
            .service(admin::vendor_quality)
            .service(admin::put_template)
            .service(admin::list_templates)
            .service(admin::create_rule)
            .service(admin::list_rules)
            .service(admin::delete_rule)
            .service(admin::create_target)
            .service(admin::list_targets)
            .service(agreements::recover),
    )
    .service(
        scope("/api/admin/workflows")
            .wrap(ModuleGate(MODULE))
            .service(workflows::create)
            .service(workflows::update)
            .service(workflows::publish)
            .service(workflows::runs)
            .service(workflows::retry)
            .service(workflows::cancel),
    );
    sign(cfg);
}

/// Discounts and agreements (ADR 0076, ADR 0067).
fn sign(cfg: &mut ServiceConfig) {
    cfg.service(
        scope("/api/sales/discounts")
            .wrap(ModuleGate(MODULE))
            .service(discounts::propose)
            .service(discounts::list)
            .service(discounts::approve)
            .service(discounts::reject),
    )
    .service(
        scope("/api/sales/agreements")
            .wrap(ModuleGate(MODULE))
            .service(agreements::generate)
            .service(agreements::list)
            .service(agreements::get)
            .service(agreements::send)
            .service(agreements::pdf),
    )
    .service(scope("/api/webhooks/leegality").service(agreements::webhook));
}

/// The marketing, campaign and CM console routes (ADRs 0077, 0078).
fn marketing_routes(cfg: &mut ServiceConfig) {
    cfg.service(
        scope("/api/course-interest")
            .wrap(ModuleGate(MODULE))
            .service(marketing::course_interest),
    )
    .service(
        scope("/api/ai-for-everyone")
            .wrap(ModuleGate(MODULE))
            .service(marketing::ai_for_everyone),
    )
    .service(
        scope("/api/event-config")
            .wrap(ModuleGate(MODULE))
            .service(marketing::open_events)
            .service(marketing::register_event),
    )
    .service(
        scope("/api/league-registration")
            .wrap(ModuleGate(MODULE))
            .service(marketing::register_league),
    )
    .service(
        scope("/api/sticky-banners")
            .wrap(ModuleGate(MODULE))
            .service(marketing::sticky_banners),
    )
    .service(
        scope("/api/popup-banners")
            .wrap(ModuleGate(MODULE))
            .service(marketing::popup_banners),
    )
    .service(
        scope("/api/admin/event-config")
            .wrap(ModuleGate(MODULE))
            .service(marketing::create_event)
            .service(marketing::list_events)
            .service(marketing::update_event)
            .service(marketing::registrations),
    )
    .service(
        scope("/api/admin/banners")
            .wrap(ModuleGate(MODULE))
            .service(marketing::create_banner)
            .service(marketing::list_banners)
            .service(marketing::update_banner)
            .service(marketing::delete_banner),
    )
    .service(
        scope("/api/admin/campaigns")
            .wrap(ModuleGate(MODULE))
            .service(campaigns::create)
            .service(campaigns::list)
            .service(campaigns::leads)
            .service(campaigns::attribute),
    )
    .service(
        scope("/api/cm/leads")
            .wrap(ModuleGate(MODULE))
            .service(campaigns::cm_leads),
    );
}

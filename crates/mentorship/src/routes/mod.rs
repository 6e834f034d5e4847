//! The HTTP routes of Mr. Mentor (behind the `mentorship` module).

pub mod admin_meetings;
pub mod bookings;
pub mod calendar;
pub mod links;
pub mod mentors;
pub mod recordings;
pub mod rules;
pub mod slots;

use actix_web::middleware::from_fn;
use kernel::routes::{ServiceConfig, scope};
use kernel::tenant::ModuleGate;

use crate::service::catalogue;

/// The platform module these routes belong to.
pub const MODULE: &str = "mentorship";

/// Mounts every route of the crate.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        scope("/api/mentors")
            .wrap(ModuleGate(MODULE))
            .wrap(from_fn(catalogue::drop_pages_after_writes))
            .service(mentors::apply)
            .service(mentors::my_profile)
            .service(mentors::open_slot)
            .service(slots::edit)
            .service(slots::withdraw)
            .service(mentors::my_bookings)
            .service(rules::create)
            .service(rules::list)
            .service(rules::remove)
            .service(mentors::list)
            .service(mentors::detail)
            .service(mentors::open_slots),
    )
    .service(
        scope("/api/admin/mentors")
            .wrap(ModuleGate(MODULE))
            .wrap(from_fn(catalogue::drop_pages_after_writes))
            .service(mentors::approve),
    )
    .service(
        scope("/api/admin/meetings")
            .wrap(ModuleGate(MODULE))
            .service(admin_meetings::list)
            .service(admin_meetings::log),
    )
    .service(
        scope("/api/slots")
            .wrap(ModuleGate(MODULE))
            .wrap(from_fn(catalogue::drop_pages_after_writes))
            .service(bookings::book),
    )
    .service(
        scope("/api/bookings")
            .wrap(ModuleGate(MODULE))
            .wrap(from_fn(catalogue::drop_pages_after_writes))
            .service(bookings::mine)
            .service(bookings::cancel)
            .service(bookings::reschedule),
    )
    .service(
        scope("/api/google-calendar")
            // Google's browser redirect carries no X-Platform: the state names the platform
            .service(calendar::callback)
            .service(
                scope("")
                    .wrap(ModuleGate(MODULE))
                    .service(calendar::connect)
                    .service(calendar::status)
                    .service(calendar::disconnect),
            ),
    )
    .service(
        scope("/api/meetings")
            .wrap(ModuleGate(MODULE))
            .wrap(from_fn(catalogue::drop_pages_after_writes))
            // before `/{id}`, which would take `complete-by-link` for an id
            .service(links::inspect)
            .service(links::complete)
            .service(bookings::meeting)
            .service(bookings::join)
            .service(bookings::feedback)
            .service(bookings::complete)
            .service(recordings::start)
            .service(recordings::complete)
            .service(recordings::list),
    );
}

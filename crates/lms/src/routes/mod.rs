//! The HTTP routes of the LMS (behind the `lms` module).

pub mod admin_courses;
pub mod catalogue;
pub mod enrollments;
pub mod orders;
pub mod student;

use kernel::tenant::ModuleGate;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

/// The platform module these routes belong to.
pub const MODULE: &str = "lms";

/// Mounts every route of the crate.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        scope::scope("/api/admin/courses")
            .wrap(ModuleGate(MODULE))
            .service(admin_courses::create)
            .service(admin_courses::list)
            .service(admin_courses::detail)
            .service(admin_courses::update)
            .service(admin_courses::add_module)
            .service(admin_courses::add_item)
            .service(admin_courses::create_batch)
            .service(admin_courses::list_batches),
    )
    .service(
        scope::scope("/api/admin/course-enrollments")
            .wrap(ModuleGate(MODULE))
            .service(enrollments::grant)
            .service(enrollments::assign_batch),
    )
    .service(
        scope::scope("/api/course-enrollment")
            .wrap(ModuleGate(MODULE))
            .service(orders::verify)
            .service(orders::place)
            .service(orders::mine),
    )
    .service(
        scope::scope("/api/courses")
            .wrap(ModuleGate(MODULE))
            .service(catalogue::list)
            .service(catalogue::course_page),
    )
    .service(
        scope::scope("/api/student")
            .wrap(ModuleGate(MODULE))
            .service(student::my_dashboard)
            .service(student::course)
            .service(student::complete_item),
    );
}

//! The HTTP routes of the LMS (behind the `lms` module).

pub mod admin_courses;
pub mod admin_quizzes;
pub mod attempts;
pub mod candidate;
pub mod catalogue;
pub mod enrollments;
pub mod orders;
pub mod question_bank;
pub mod student;

pub mod admin_assignments;
pub mod admin_live_classes;
pub mod engagement;
pub mod grading;
pub mod profile;
pub mod risk_consoles;
pub mod student_assignments;
pub mod student_live_classes;

use kernel::routes::{ServiceConfig, scope};
use kernel::tenant::ModuleGate;

/// The platform module these routes belong to.
pub const MODULE: &str = "lms";

/// The quiz engine's authoring and candidate routes also serve Mr. Hire's platforms (its
/// candidate quizzes, ADR 0058); learners' quiz routes stay with [`MODULE`].
pub const QUIZ_MODULES: &str = "lms|hire";

/// Mounts every route of the crate.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        scope("/api/admin/courses")
            .wrap(ModuleGate(MODULE))
            .service(admin_courses::create)
            .service(admin_courses::list)
            .service(admin_courses::detail)
            .service(admin_courses::update)
            .service(admin_courses::add_module)
            .service(admin_courses::add_item)
            .service(admin_courses::create_batch)
            .service(admin_courses::list_batches)
            .service(admin_assignments::create)
            .service(admin_assignments::list)
            .service(admin_assignments::update)
            .service(admin_assignments::remove)
            .service(admin_live_classes::create)
            .service(admin_live_classes::list)
            .service(admin_live_classes::update)
            .service(admin_live_classes::remove)
            .service(admin_live_classes::attendance),
    )
    .service(
        scope("/api/admin/course-enrollments")
            .wrap(ModuleGate(MODULE))
            .service(enrollments::grant)
            .service(enrollments::assign_batch),
    )
    .service(
        scope("/api/course-enrollment")
            .wrap(ModuleGate(MODULE))
            .service(orders::verify)
            .service(orders::place)
            .service(orders::mine),
    )
    .service(
        scope("/api/courses")
            .wrap(ModuleGate(MODULE))
            .service(catalogue::list)
            .service(catalogue::course_page),
    )
    .service(
        scope("/api/student")
            .wrap(ModuleGate(MODULE))
            .service(student::my_dashboard)
            .service(student::course)
            .service(student::complete_item)
            .service(student_assignments::list)
            .service(student_assignments::submit)
            .service(student_assignments::history)
            .service(student_live_classes::list)
            .service(student_live_classes::join)
            .service(profile::get_profile)
            .service(profile::update_profile)
            .service(profile::add_document)
            .service(profile::list_documents)
            .service(profile::delete_document)
            .service(engagement::mine)
            .service(engagement::leaderboard)
            .service(engagement::daily_card),
    )
    .service(
        scope("/api/batchlead")
            .wrap(ModuleGate(MODULE))
            .service(risk_consoles::lead_students)
            .service(risk_consoles::lead_history)
            .service(risk_consoles::lead_intervene)
            .service(risk_consoles::lead_outcome)
            .service(risk_consoles::request_plan)
            .service(risk_consoles::get_plan)
            .service(risk_consoles::edit_plan),
    )
    .service(
        scope("/api/supermentor")
            .wrap(ModuleGate(MODULE))
            .service(risk_consoles::super_students)
            .service(risk_consoles::super_history)
            .service(risk_consoles::super_intervene)
            .service(risk_consoles::super_outcome),
    )
    .service(
        scope("/api/cm/cohorts")
            .wrap(ModuleGate(MODULE))
            .service(risk_consoles::cohorts)
            .service(risk_consoles::cohort_students),
    )
    .service(
        scope("/api/admin/engagement")
            .wrap(ModuleGate(MODULE))
            .service(engagement::create_badge)
            .service(engagement::list_badges)
            .service(engagement::update_badge),
    )
    .service(
        scope("/api/grading")
            .wrap(ModuleGate(MODULE))
            .service(grading::list)
            .service(grading::grade),
    )
    .service(
        scope("/api/admin/students")
            .wrap(ModuleGate(MODULE))
            .service(profile::student_documents),
    );
    configure_quizzes(cfg);
}

/// The question bank, quizzes, attempts, accommodations and candidate quizzes.
fn configure_quizzes(cfg: &mut ServiceConfig) {
    cfg.service(
        scope("/api/question-bank")
            .wrap(ModuleGate(QUIZ_MODULES))
            .service(question_bank::create)
            .service(question_bank::list)
            .service(question_bank::detail)
            .service(question_bank::update),
    )
    .service(
        scope("/api/admin/quizzes")
            .wrap(ModuleGate(QUIZ_MODULES))
            .service(admin_quizzes::create)
            .service(admin_quizzes::list)
            .service(admin_quizzes::detail)
            .service(admin_quizzes::invite)
            .service(admin_quizzes::attempts),
    )
    .service(
        scope("/api/admin/quiz-invites")
            .wrap(ModuleGate(QUIZ_MODULES))
            .service(admin_quizzes::invite_result),
    )
    .service(
        scope("/api/admin/learners")
            .wrap(ModuleGate(MODULE))
            .service(admin_quizzes::get_accommodations)
            .service(admin_quizzes::put_accommodations),
    )
    .service(
        scope("/api/quizzes")
            .wrap(ModuleGate(MODULE))
            .service(attempts::quiz)
            .service(attempts::start),
    )
    .service(
        scope("/api/quiz-attempts")
            .wrap(ModuleGate(MODULE))
            .service(attempts::detail)
            .service(attempts::save_answer)
            .service(attempts::submit),
    )
    .service(
        scope("/api/candidate-quiz")
            .wrap(ModuleGate(QUIZ_MODULES))
            .service(candidate::show)
            .service(candidate::start)
            .service(candidate::save_answer)
            .service(candidate::submit),
    );
}

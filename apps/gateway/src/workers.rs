//! The job registry of the process: every crate's handlers, event subscribers and schedules.
//! Product crates add their `workers(..)` call here as they land.

use jobs::{Jobs, Registry};

use crate::app::Services;

/// Builds the registry from the queues handle and the crates' state.
pub fn registry(jobs: &Jobs, services: &Services) -> Registry {
    let mut registry = Registry::new();
    jobs::workers(&mut registry, jobs);
    comms::workers(&mut registry, &services.comms);
    comms::notifications::workers(
        &mut registry,
        services.comms.db.clone(),
        std::sync::Arc::new(crate::live::UserPush(services.realtime.clone())),
    );
    identity::workers(&mut registry, &services.identity);
    mentorship::workers(&mut registry, &services.mentorship);
    lms::workers(&mut registry, &services.lms);
    lms::payment_workers(&mut registry, &services.payments);
    lms::ai_workers(&mut registry, &services.integrations);
    hire::workers(
        &mut registry,
        &services.hire,
        &services.integrations,
        &services.comms.mailer,
    );
    crm::workers(&mut registry, &services.crm, &services.integrations);
    finance::workers(
        &mut registry,
        &services.finance,
        &services.comms.mailer,
        &services.payments,
    );
    integrations::sync::workers::workers(&mut registry, &services.sync);
    imports::workers(&mut registry, &services.imports);
    registry
}

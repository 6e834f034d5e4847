//! The gateway's own routes, and the composition of every crate's `configure`.

use kernel::routes::ServiceConfig;

pub mod health;
pub mod metrics;
pub mod platforms;
pub mod system_config;
pub mod test_data;

/// Mounts every route of the API. Product crates are chained here as they land.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(health::configure)
        .configure(metrics::configure)
        .configure(platforms::configure)
        .configure(system_config::configure)
        .configure(test_data::configure)
        .configure(jobs::configure)
        .configure(storage::configure)
        .configure(comms::configure)
        .configure(identity::configure)
        .configure(tokens::configure)
        .configure(mentorship::configure)
        .configure(lms::configure)
        .configure(hire::configure)
        .configure(crm::configure)
        .configure(finance::configure)
        .configure(integrations::configure)
        .configure(imports::configure)
        .configure(realtime::terminal::configure);
}

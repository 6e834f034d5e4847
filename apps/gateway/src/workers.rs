//! The job registry of the process: every crate's handlers, event subscribers and schedules.
//! Product crates add their `workers(..)` call here as they land.

use jobs::{Jobs, Registry};

/// Builds the registry.
pub fn registry(jobs: &Jobs) -> Registry {
    let mut registry = Registry::new();
    jobs::workers(&mut registry, jobs);
    registry
}

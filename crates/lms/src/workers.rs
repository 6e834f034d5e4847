//! The crate's jobs and schedules (none yet: the quiz sweeper, assignment reminders and the
//! payment reconciliation register here).

use jobs::Registry;

use crate::Lms;

/// Registers the crate's jobs and schedules.
pub fn workers(_registry: &mut Registry, _lms: &Lms) {}

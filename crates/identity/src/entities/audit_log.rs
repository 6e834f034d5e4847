//! `audit_log`: append-only (a trigger refuses UPDATE, DELETE and TRUNCATE). The table is
//! shared by every crate through `kernel::audit`; identity serves the list.

pub use kernel::audit::entity::*;

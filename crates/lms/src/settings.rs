//! The LMS's per-platform settings (system configuration keys with their defaults).

use kernel::system_config::{Key, Scope};

/// Seats of a batch created without a capacity.
pub const BATCH_DEFAULT_CAPACITY: Key = Key::int(
    "BATCH_DEFAULT_CAPACITY",
    Scope::Platform,
    (1, 100_000),
    60,
    "Seats of a new batch when the admin gives no capacity",
);

/// Every key of this crate (seeded and validated by the gateway).
pub const KEYS: &[Key] = &[BATCH_DEFAULT_CAPACITY];

//! Mr. Mentor's per-platform settings: the cancellation policy (the commission is the token
//! economy's, [`tokens::settings::COMMISSION_PERCENT`]).

use kernel::system_config::{Key, Scope};

/// A student cancelling at least this many hours ahead gets every token back.
pub const CANCELLATION_FREE_HOURS: Key = Key::int(
    "CANCELLATION_FREE_HOURS",
    Scope::Platform,
    (0, 720),
    24,
    "A student cancelling at least this many hours ahead gets all tokens back",
);

/// Tokens a student gets back for a later cancellation, percent.
pub const LATE_CANCELLATION_REFUND_PERCENT: Key = Key::int(
    "LATE_CANCELLATION_REFUND_PERCENT",
    Scope::Platform,
    (0, 100),
    50,
    "Tokens a student gets back for a later cancellation, percent (the rest goes to the mentor)",
);

/// Every key of this crate (seeded and validated by the gateway).
pub const KEYS: &[Key] = &[CANCELLATION_FREE_HOURS, LATE_CANCELLATION_REFUND_PERCENT];

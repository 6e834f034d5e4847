//! The token economy's per-platform settings (business rules each platform's ADMIN sets for
//! itself; the deployment's value in `system_config` is the default). Read them through these
//! declarations, never by key string.

use kernel::system_config::{Key, Scope};

/// Platform commission on completed sessions, percent.
pub const COMMISSION_PERCENT: Key = Key::int(
    "MENTOR_COMMISSION_PERCENT",
    Scope::Platform,
    (0, 100),
    20,
    "Platform commission on completed sessions, percent",
);

/// What one earned token is worth when paid out, in paise.
pub const TOKEN_VALUE_PAISE: Key = Key::int(
    "TOKEN_VALUE_PAISE",
    Scope::Platform,
    (1, 10_000_000),
    1_000,
    "What one earned token is worth when paid out, in paise",
);

/// Smallest payout a mentor may request, in tokens.
pub const MIN_PAYOUT_TOKENS: Key = Key::int(
    "MIN_PAYOUT_TOKENS",
    Scope::Platform,
    (1, 1_000_000_000),
    100,
    "Smallest payout a mentor may request, in tokens",
);

/// Token governance on or off.
pub const GOVERNANCE_ENABLED: Key = Key::bool(
    "TOKEN_GOVERNANCE_ENABLED",
    Scope::Platform,
    false,
    "Enforce token governance rules (daily spend cap, hold duration)",
);

/// With governance on: the most tokens a user may commit to holds per UTC day.
pub const DAILY_SPEND_CAP: Key = Key::int(
    "TOKEN_DAILY_SPEND_CAP",
    Scope::Platform,
    (1, 1_000_000_000),
    500,
    "With governance on: most tokens a user may commit to holds per UTC day",
);

/// With governance on: the longest a hold may stay pending, hours.
pub const MAX_HOLD_HOURS: Key = Key::int(
    "TOKEN_MAX_HOLD_HOURS",
    Scope::Platform,
    (1, 8_760),
    720,
    "With governance on: longest a hold may stay pending before its settlement deadline",
);

/// Every key of this crate (seeded and validated by the gateway).
pub const KEYS: &[Key] = &[
    COMMISSION_PERCENT,
    TOKEN_VALUE_PAISE,
    MIN_PAYOUT_TOKENS,
    GOVERNANCE_ENABLED,
    DAILY_SPEND_CAP,
    MAX_HOLD_HOURS,
];

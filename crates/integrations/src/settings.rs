//! The LLM gateway's per-platform settings.

use kernel::system_config::{Key, Scope};

/// What a platform may spend on LLM calls in one calendar month (UTC), in paise; calls are
/// refused with 429 `ai_budget_exhausted` once this month's recorded cost reaches it.
pub const AI_MONTHLY_BUDGET_PAISE: Key = Key::int(
    "AI_MONTHLY_BUDGET_PAISE",
    Scope::Platform,
    (0, 100_000_000_000),
    5_000_000,
    "Monthly LLM spend of the platform, in paise (calls are refused once it is reached)",
);

/// Every key of this crate (seeded and validated by the gateway).
pub const KEYS: &[Key] = &[AI_MONTHLY_BUDGET_PAISE];

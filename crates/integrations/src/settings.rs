//! The LLM gateway's and the credential proxy's per-platform settings.

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

/// Price of one million input tokens of a credential-proxy call, paise (the proxy has no
/// agent entry with prices; its calls count against the same monthly budget).
pub const AI_PROXY_INPUT_PRICE_PER_MTOK_PAISE: Key = Key::int(
    "AI_PROXY_INPUT_PRICE_PER_MTOK_PAISE",
    Scope::Platform,
    (0, 100_000_000),
    6_800,
    "Price of one million input tokens of a credential-proxy call, in paise",
);

/// Price of one million output tokens of a credential-proxy call, paise.
pub const AI_PROXY_OUTPUT_PRICE_PER_MTOK_PAISE: Key = Key::int(
    "AI_PROXY_OUTPUT_PRICE_PER_MTOK_PAISE",
    Scope::Platform,
    (0, 100_000_000),
    34_000,
    "Price of one million output tokens of a credential-proxy call, in paise",
);

/// Every key of this crate (seeded and validated by the gateway).
pub const KEYS: &[Key] = &[
    AI_MONTHLY_BUDGET_PAISE,
    AI_PROXY_INPUT_PRICE_PER_MTOK_PAISE,
    AI_PROXY_OUTPUT_PRICE_PER_MTOK_PAISE,
];

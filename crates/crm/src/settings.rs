//! The CRM's per-platform settings (ADR 0037): the checks before a workflow sends.

use kernel::system_config::{Key, Scope};

/// A WhatsApp message from a workflow needs the lead's recorded consent (`whatsapp_consent =
/// true`); when false, only a lead who withdrew consent is refused.
pub const WHATSAPP_REQUIRE_CONSENT: Key = Key::bool(
    "CRM_WHATSAPP_REQUIRE_CONSENT",
    Scope::Platform,
    false,
    "Workflow WhatsApp messages need the lead's recorded consent",
);

/// A workflow's WhatsApp template must be marked approved for the platform
/// (`PUT /api/admin/crm/whatsapp-templates`).
pub const WHATSAPP_REQUIRE_APPROVED_TEMPLATE: Key = Key::bool(
    "CRM_WHATSAPP_REQUIRE_APPROVED_TEMPLATE",
    Scope::Platform,
    true,
    "Workflow WhatsApp templates must be marked approved for the platform",
);

/// Quiet hours start (hour of the day, IST): no workflow WhatsApp message from then until
/// [`QUIET_HOURS_END`]; a send due inside them waits for their end. Equal start and end: none.
pub const QUIET_HOURS_START: Key = Key::int(
    "CRM_QUIET_HOURS_START",
    Scope::Platform,
    (0, 23),
    0,
    "Quiet hours start, hour of the day IST (equal to the end: no quiet hours; TRAI's are 21-9)",
);

/// Quiet hours end (hour of the day, IST).
pub const QUIET_HOURS_END: Key = Key::int(
    "CRM_QUIET_HOURS_END",
    Scope::Platform,
    (0, 23),
    0,
    "Quiet hours end, hour of the day IST",
);

/// Speed-to-lead SLA: a lead still `new` and untouched by its owner this many minutes after
/// it was assigned goes to the next agent (once; 0: off).
pub const SPEED_TO_LEAD_MINUTES: Key = Key::int(
    "CRM_SPEED_TO_LEAD_MINUTES",
    Scope::Platform,
    (0, 10_080),
    0,
    "Minutes a new lead may stay untouched by its owner before the SLA re-assigns it (0: off)",
);

/// Minutes before a lead task is due when its assignee is reminded (0: at the due time).
pub const TASK_REMINDER_MINUTES: Key = Key::int(
    "CRM_TASK_REMINDER_MINUTES",
    Scope::Platform,
    (0, 1_440),
    15,
    "Minutes before a lead task is due when its assignee is reminded",
);

/// The largest discount (percent of the list price) a SALES user's proposal is approved
/// without a second person (ADR 0076).
pub const DISCOUNT_LIMIT_SALES_PERCENT: Key = Key::int(
    "CRM_DISCOUNT_LIMIT_SALES_PERCENT",
    Scope::Platform,
    (0, 100),
    10,
    "Largest discount (percent of the list price) a SALES user may give without approval",
);

/// The largest discount a sales head gives, or approves for their team (ADR 0076); above it
/// only an ADMIN approves.
pub const DISCOUNT_LIMIT_SALES_HEAD_PERCENT: Key = Key::int(
    "CRM_DISCOUNT_LIMIT_SALES_HEAD_PERCENT",
    Scope::Platform,
    (0, 100),
    25,
    "Largest discount (percent of the list price) a sales head may give or approve",
);

/// Hours an agreement may stay `sent` without a Leegality webhook before the recovery asks
/// Leegality for its status (ADR 0067).
pub const AGREEMENT_STUCK_HOURS: Key = Key::int(
    "CRM_AGREEMENT_STUCK_HOURS",
    Scope::Platform,
    (1, 720),
    24,
    "Hours a sent agreement may wait for Leegality's webhook before it is polled",
);

/// Every key of this crate (seeded and validated by the gateway).
pub const KEYS: &[Key] = &[
    DISCOUNT_LIMIT_SALES_PERCENT,
    DISCOUNT_LIMIT_SALES_HEAD_PERCENT,
    AGREEMENT_STUCK_HOURS,
    SPEED_TO_LEAD_MINUTES,
    TASK_REMINDER_MINUTES,
    WHATSAPP_REQUIRE_CONSENT,
    WHATSAPP_REQUIRE_APPROVED_TEMPLATE,
    QUIET_HOURS_START,
    QUIET_HOURS_END,
];

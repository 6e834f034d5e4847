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

/// Every key of this crate (seeded and validated by the gateway).
pub const KEYS: &[Key] = &[
    WHATSAPP_REQUIRE_CONSENT,
    WHATSAPP_REQUIRE_APPROVED_TEMPLATE,
    QUIET_HOURS_START,
    QUIET_HOURS_END,
];

//! The gateway's own error codes, and the registry of every crate's codes (the one table
//! `docs/errors.md` documents and the registry test checks).

use kernel::error::ErrorCode;

/// Codes the gateway's own routes answer.
pub mod codes {
    kernel::error_codes! {
        /// A dependency of readiness (PostgreSQL, Redis) is unavailable; `checks` says which.
        NOT_READY = SERVICE_UNAVAILABLE "not_ready";
        /// A platform with this slug exists.
        PLATFORM_EXISTS = CONFLICT "platform_exists";
    }
}

/// Every crate's code table, named by its crate: the registry. A crate that declares codes
/// adds its `codes::ALL` here (the registry test fails on a code missing from
/// `docs/errors.md`).
pub fn registry() -> Vec<(&'static str, &'static [&'static ErrorCode])> {
    vec![
        ("kernel", kernel::error::codes::ALL),
        ("identity", identity::error::codes::ALL),
        ("jobs", jobs::codes::ALL),
        ("storage", storage::error::codes::ALL),
        ("comms", comms::codes::ALL),
        ("realtime", realtime::codes::ALL),
        ("tokens", tokens::error::codes::ALL),
        ("mentorship", mentorship::error::codes::ALL),
        ("lms", lms::error::codes::ALL),
        ("hire", hire::error::codes::ALL),
        ("crm", crm::error::codes::ALL),
        ("finance", finance::error::codes::ALL),
        ("integrations", integrations::error::codes::ALL),
        ("imports", imports::error::codes::ALL),
        ("gateway", codes::ALL),
    ]
}

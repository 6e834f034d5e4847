//! The sea-orm entities this crate owns (tables created in `migration/`, `m20261125_3000xx`).

pub mod audit_log;
pub mod oauth_identities;
pub mod otp_codes;
pub mod password_resets;
pub mod refresh_tokens;
pub mod users;
pub mod vendors;

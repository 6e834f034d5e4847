//! The crate's error codes (registered in `docs/errors.md`). Comms answers through
//! [`kernel::AppError`] with these and the kernel's shared codes (`invalid_token`,
//! `invalid_webhook_signature`, `provider_not_configured`).

/// Comms' own error codes.
pub mod codes {
    kernel::error_codes! {
        /// WhatsApp's webhook verification: `hub.mode` is not `subscribe` or `hub.verify_token` does not match.
        INVALID_VERIFY_TOKEN = FORBIDDEN "invalid_verify_token";
    }
}

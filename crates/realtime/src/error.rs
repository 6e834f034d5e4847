//! The crate's error codes (registered in `docs/errors.md`). HTTP answers go through
//! [`kernel::AppError`] with these and the kernel's shared codes (`invalid_token`).

/// Realtime's own error codes.
pub mod codes {
    kernel::error_codes! {
        /// The terminal session already has a producer.
        PRODUCER_CONNECTED = CONFLICT "producer_connected";
    }
}

//! Typed clients of outside APIs (Razorpay, Google Calendar). Each has a configurable base URL (tests point it at
//! wiremock), a timeout, and errors ([`provider::ProviderError`]) that say whether a retry can
//! help and how a request should be answered. A provider without credentials self-disables:
//! its constructor returns `None` and its routes answer 503 `provider_not_configured`.

pub mod google_calendar;
pub mod provider;
pub mod razorpay;

use std::time::Duration;

/// Timeout of one provider call.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// An HTTP client for provider calls (rustls, timeouts, no redirects).
pub fn http_client() -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .timeout(CALL_TIMEOUT)
        .connect_timeout(Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("mas-gateway/", env!("CARGO_PKG_VERSION")))
        .build()?)
}

//! Typed clients of outside APIs (Razorpay, Google Calendar, Google Drive, Judge0), the LLM gateway
//! and the payments every product shares. Each client has a configurable base URL (tests
//! point it at wiremock), a timeout, and errors ([`provider::ProviderError`]) that say
//! whether a retry can help and how a request should be answered. A provider without credentials self-disables: its constructor returns `None`
//! and its routes answer 503 `provider_not_configured`.
//!
//! The LLM gateway ([`llm`], docs/ai.md) mounts `/api/ai/complete`,
//! `/api/admin/agent-config/{agent}`, `/api/admin/credentials[/{name}]`,
//! `/api/admin/ai-calls` and `/api/admin/ai-usage`; it owns `ai_agent_configs`,
//! `ai_credentials` and `ai_calls` (migration band 40). The credential proxy ([`proxy`],
//! `POST /api/credential-proxy/{provider}`) lets internal services call a provider without
//! its key; the student profile for AI agents (`GET /api/ai/student-profile/{user_id}`) is
//! assembled from [`profile::ProfileSection`]s the owning crates register. The Google Drive
//! connector ([`google_drive`], `/api/google-drive-connector/*`, docs/google-drive.md) owns
//! `google_drive_connections`; Google OAuth and PKCE shared with Calendar are in
//! [`google_oauth`].
//!
//! Payments ([`payments`], docs/adr/0043-shared-payments.md) are one shared piece: the
//! Razorpay client built once ([`payments::Payments`]), the checkout verification helper that
//! product routes call, and Razorpay's webhook `POST /api/webhooks/razorpay` (signature over
//! the raw body, dedupe on the event id in `razorpay_events`). A product crate implements
//! [`payments::PaymentProduct`] for its orders table (tokens' token packs; the LMS's course
//! enrollments) and the gateway registers it in one [`payments::PaymentProducts`]; the
//! product decides what a capture means, and `payment.captured` / `refund.processed` go out
//! through the outbox for finance. No product crate imports another to take money.
//!
//! The Graphy (Mr. Learn) and EzExam (Mr. Test) sync ([`sync`], docs/integrations-sync.md)
//! mounts `/api/graphy/*` and `/api/ezexam/*`, registers its workers and row-defined
//! schedules through [`sync::workers::workers`], and owns `mrlearn_sync_configs`,
//! `mrtest_sync_configs`, `sync_runs`, `mrlearn_enrolments`, `mrlearn_progress`,
//! `mrtest_exams`, `mrtest_results` and `mrlearn_reminders_sent`.
//!
//! The Judge0 client ([`judge0`], ADR 0044, `JUDGE0_*`) runs programs for the proxy
//! `POST /api/judge0/submissions` and `GET /api/judge0/languages` (any signed-in user;
//! language allow-list, size limits, per-user rate limit, the token kept server-side) and for
//! graders ([`judge0::Judge0::run_cases`]: a program against test cases).

pub mod config;
pub mod dto;
pub mod entities;
pub mod error;
pub mod google_calendar;
pub mod google_drive;
pub mod google_oauth;
pub mod judge0;
pub mod leegality;
pub mod llm;
pub mod nic_irp;
pub mod payments;
pub mod profile;
pub mod provider;
pub mod proxy;
pub mod razorpay;
pub mod routes;
pub mod service;
pub mod settings;
pub mod state;
pub mod sync;

use std::time::Duration;

pub use config::{IntegrationsConfig, LlmConfig};
pub use error::IntegrationsError;
pub use routes::configure;
pub use state::Integrations;

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

//! `mas_auth_events_total{event}`: sign-ins, failures, reuse detections and rate-limit hits,
//! for dashboards and alerts (a jump in `login_failed` or `refresh_token_reused` is an
//! attack or a broken client). `mas_auth_password_verifications_total`: argon2 verifications,
//! one per password sign-in whether or not the account exists.

use prometheus::{IntCounter, IntCounterVec, Opts, Registry};

use crate::error::IdentityError;

/// The counters of this crate.
#[derive(Clone)]
pub struct AuthMetrics {
    events: IntCounterVec,
    /// argon2 verifications (real hash or the dummy of an unknown account).
    pub password_verifications: IntCounter,
}

impl AuthMetrics {
    /// Creates the counter and registers it (a second registration in one process, as in
    /// tests, counts without exporting).
    pub fn register(registry: &Registry) -> prometheus::Result<Self> {
        let events = IntCounterVec::new(
            Opts::new("auth_events_total", "Sign-in events by outcome"),
            &["event"],
        )?;
        let password_verifications = IntCounter::new(
            "auth_password_verifications_total",
            "argon2 password verifications, unknown accounts included",
        )?;
        for collector in [
            Box::new(events.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(password_verifications.clone()),
        ] {
            match registry.register(collector) {
                Ok(()) | Err(prometheus::Error::AlreadyReg) => {}
                Err(err) => return Err(err),
            }
        }
        Ok(Self {
            events,
            password_verifications,
        })
    }

    /// Counts one `event`.
    pub fn count(&self, event: &str) {
        self.events.with_label_values(&[event]).inc();
    }

    /// Counts `ok` on success, or the failure's event.
    pub fn observe<T>(&self, ok: &str, result: &Result<T, IdentityError>) {
        let event = match result {
            Ok(_) => ok,
            Err(IdentityError::InvalidCredentials) => "login_failed",
            Err(IdentityError::AccountSuspended) => "suspended_refused",
            Err(IdentityError::RefreshTokenReused) => "refresh_token_reused",
            Err(IdentityError::InvalidRefreshToken(_)) => "refresh_invalid",
            Err(IdentityError::InvalidOtp) => "otp_failed",
            Err(IdentityError::InvalidResetToken) => "reset_invalid",
            Err(IdentityError::InvalidOAuthState | IdentityError::InvalidOAuthCode) => {
                "oauth_failed"
            }
            Err(_) => return,
        };
        self.count(event);
    }
}

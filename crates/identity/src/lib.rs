//! Identity and access: users of a platform with a role and capability flags; sign-in by
//! password, emailed code or Google; JWT access tokens with rotating refresh tokens; the user
//! directory that makes role changes and suspensions apply on the next request; admin user
//! management with an append-only audit log; vendor API keys.
//!
//! - [`Identity`] is the crate's state (registered as `web::Data<Identity>`), and
//!   [`Identity::directory`] the `kernel::auth::UserDirectory` the app registers so every
//!   `AuthUser`/`Require<P>` sees the user's current role and status, and
//!   [`Identity::password_sign_in`] the `kernel::auth::PasswordSignIn` of the admin pages.
//! - [`configure`] mounts `/api/auth/*`, `/auth/google/callback`, `/api/admin/users*`,
//!   `/api/admin/audit-log`, `/api/admin/vendors*` and `/api/v1/vendor/me`.
//! - [`extract::VendorKey`] authenticates machine clients by `X-API-Key`.
//! - [`seed::run`] seeds the first SUPERADMIN and the configured sales users.
//! - [`import::Students`] is the `students` import kind (`/api/bulk-upload/kinds/students`).
//! - [`IdentityConfig`] is the crate's environment section (sign-in settings, Google sign-in).

pub mod config;
pub mod dto;
pub mod entities;
pub mod error;
pub mod extract;
pub mod import;
pub mod metrics;
pub mod routes;
pub mod seed;
pub mod service;
mod state;

use jobs::{JobContext, JobSpec, Registry, ScheduleSpec};

pub use config::IdentityConfig;
pub use error::IdentityError;
pub use extract::VendorKey;
pub use routes::configure;
pub use state::Identity;

/// Daily deletion of long-dead credentials.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct PruneCredentials {}

impl JobSpec for PruneCredentials {
    const QUEUE: &'static str = "cleanupQueue";
    const NAME: &'static str = "identity-prune";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// Registers this crate's jobs: the daily credential prune (03:15 IST).
pub fn workers(registry: &mut Registry, identity: &Identity) {
    let db = identity.ctx().db.clone();
    registry
        .handle(move |_ctx: JobContext, _job: PruneCredentials| {
            let db = db.clone();
            async move {
                let deleted = service::prune::run(&db)
                    .await
                    .map_err(|e| jobs::JobError::Retry(anyhow::anyhow!("{e}")))?;
                tracing::info!(deleted, "dead credentials pruned");
                Ok(())
            }
        })
        .schedule(ScheduleSpec::cron(
            "identity:prune",
            PruneCredentials::QUEUE,
            PruneCredentials::NAME,
            "0 15 3 * * *",
            jobs::schedule::IST,
        ));
}

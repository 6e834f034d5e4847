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

pub mod dto;
pub mod entities;
pub mod error;
pub mod extract;
pub mod metrics;
pub mod routes;
pub mod seed;
pub mod service;

use std::{sync::Arc, time::Duration};

use anyhow::Context;
use jobs::{JobContext, JobSpec, Jobs, Registry, ScheduleSpec};
use kernel::{
    AppContext,
    auth::{PasswordSignIn, UserDirectory},
};

pub use error::IdentityError;
pub use extract::VendorKey;
pub use routes::configure;
use service::{directory::Directory, passwords::Passwords};

/// Timeout of one call to the OAuth provider.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);

/// The crate's state, built once per process. Cheap to clone.
#[derive(Clone)]
pub struct Identity {
    ctx: AppContext,
    jobs: Jobs,
    passwords: Passwords,
    directory: Arc<Directory>,
    http: reqwest::Client,
    metrics: metrics::AuthMetrics,
}

impl Identity {
    /// Builds the hasher (one dummy hash), the directory and the provider HTTP client.
    pub fn new(ctx: &AppContext, jobs: &Jobs) -> anyhow::Result<Self> {
        let metrics = metrics::AuthMetrics::register(&ctx.metrics.registry)
            .context("registering auth metrics")?;
        let passwords = Passwords::new(&ctx.config.auth, metrics.password_verifications.clone())
            .map_err(|e| anyhow::anyhow!("password hasher: {e}"))?;
        let http = reqwest::Client::builder()
            .timeout(PROVIDER_TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            .user_agent(concat!("mas-gateway/", env!("CARGO_PKG_VERSION")))
            .build()
            .context("building the OAuth HTTP client")?;
        Ok(Self {
            metrics,
            ctx: ctx.clone(),
            jobs: jobs.clone(),
            passwords,
            directory: Arc::new(Directory::new(ctx)),
            http,
        })
    }

    /// The user directory to register as `web::Data<dyn UserDirectory>`.
    pub fn directory(&self) -> Arc<dyn UserDirectory> {
        self.directory.clone()
    }

    /// The email-and-password sign-in of server-rendered pages, to register as
    /// `web::Data<dyn PasswordSignIn>` (the queue dashboard's).
    pub fn password_sign_in(&self) -> Arc<dyn PasswordSignIn> {
        Arc::new(self.clone())
    }

    /// The shared context.
    pub fn ctx(&self) -> &AppContext {
        &self.ctx
    }

    /// The queues handle.
    pub fn jobs(&self) -> &Jobs {
        &self.jobs
    }

    /// The password hasher.
    pub fn passwords(&self) -> &Passwords {
        &self.passwords
    }

    /// The sign-in counters.
    pub fn metrics(&self) -> &metrics::AuthMetrics {
        &self.metrics
    }

    /// The HTTP client for the OAuth provider.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }
}

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
    let db = identity.ctx.db.clone();
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

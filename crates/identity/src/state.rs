//! The crate's state: the context, the queues, its configuration section, the password
//! hasher, the user directory and the OAuth provider's HTTP client.

use std::{sync::Arc, time::Duration};

use anyhow::Context;
use jobs::Jobs;
use kernel::{
    AppContext,
    auth::{PasswordSignIn, UserDirectory},
};

use crate::{
    config::IdentityConfig,
    metrics,
    service::{directory::Directory, passwords::Passwords},
};

/// Timeout of one call to the OAuth provider.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);

/// The crate's state, built once per process. Cheap to clone.
#[derive(Clone)]
pub struct Identity {
    ctx: AppContext,
    jobs: Jobs,
    config: Arc<IdentityConfig>,
    passwords: Passwords,
    directory: Arc<Directory>,
    http: reqwest::Client,
    metrics: metrics::AuthMetrics,
}

impl Identity {
    /// Builds the hasher (one dummy hash), the directory and the provider HTTP client.
    pub fn new(ctx: &AppContext, jobs: &Jobs, config: IdentityConfig) -> anyhow::Result<Self> {
        let metrics = metrics::AuthMetrics::register(&ctx.metrics.registry)
            .context("registering auth metrics")?;
        let passwords = Passwords::new(&config.auth, metrics.password_verifications.clone())
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
            directory: {
                crate::service::directory::spawn_invalidation_listener(
                    ctx,
                    config.auth.user_cache_ttl,
                );
                Arc::new(Directory::new(ctx, config.auth.user_cache_ttl))
            },
            config: Arc::new(config),
            http,
        })
    }

    /// The user directory to register as `web::Data<dyn UserDirectory>`.
    pub fn directory(&self) -> Arc<dyn UserDirectory> {
        self.directory.clone()
    }

    /// The user directory itself (profiles for `/api/auth/me`).
    pub fn users(&self) -> &Directory {
        &self.directory
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

    /// The crate's configuration section.
    pub fn config(&self) -> &IdentityConfig {
        &self.config
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

//! The crate's state: the context, the queues and its configuration section. Built once per
//! process by the gateway and registered as `web::Data<Finance>`. Cheap to clone.

use std::sync::Arc;

use jobs::Jobs;
use kernel::AppContext;
use storage::Storage;

use crate::FinanceConfig;

/// Finance's state.
#[derive(Clone)]
pub struct Finance {
    ctx: AppContext,
    jobs: Jobs,
    storage: Storage,
    config: Arc<FinanceConfig>,
    http: reqwest::Client,
}

impl Finance {
    /// Builds the state.
    pub fn new(ctx: &AppContext, jobs: &Jobs, storage: &Storage, config: FinanceConfig) -> Self {
        Self {
            ctx: ctx.clone(),
            jobs: jobs.clone(),
            storage: storage.clone(),
            config: Arc::new(config),
            http: integrations::http_client().unwrap_or_default(),
        }
    }

    /// The HTTP client of the IRP/GSP calls.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The shared context.
    pub fn ctx(&self) -> &AppContext {
        &self.ctx
    }

    /// The queues handle.
    pub fn jobs(&self) -> &Jobs {
        &self.jobs
    }

    /// The object store (invoice PDFs).
    pub fn storage(&self) -> &Storage {
        &self.storage
    }

    /// The crate's configuration section.
    pub fn config(&self) -> &FinanceConfig {
        &self.config
    }
}

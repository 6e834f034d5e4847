//! The crate's state: the context, the queues and its configuration section. Built once per
//! process by the gateway and registered as `web::Data<Crm>`. Cheap to clone.

use std::sync::Arc;

use jobs::Jobs;
use kernel::AppContext;

use crate::CrmConfig;

/// The CRM's state.
#[derive(Clone)]
pub struct Crm {
    ctx: AppContext,
    jobs: Jobs,
    config: Arc<CrmConfig>,
    storage: Option<storage::Storage>,
}

impl Crm {
    /// Builds the state.
    pub fn new(ctx: &AppContext, jobs: &Jobs, config: CrmConfig) -> Self {
        Self {
            ctx: ctx.clone(),
            jobs: jobs.clone(),
            config: Arc::new(config),
            storage: None,
        }
    }

    /// With object storage (agreement PDFs, for the hourly recovery of stuck agreements).
    pub fn with_storage(mut self, storage: &storage::Storage) -> Self {
        self.storage = Some(storage.clone());
        self
    }

    /// Object storage, when the gateway gave it.
    pub fn storage(&self) -> Option<&storage::Storage> {
        self.storage.as_ref()
    }

    /// The shared context.
    pub fn ctx(&self) -> &AppContext {
        &self.ctx
    }

    /// The queues handle.
    pub fn jobs(&self) -> &Jobs {
        &self.jobs
    }

    /// The crate's configuration section.
    pub fn config(&self) -> &CrmConfig {
        &self.config
    }
}

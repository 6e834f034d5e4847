//! The crate's state: the context, the queues, the object store, its configuration section
//! and the registered kinds. Built once per process by the gateway and registered as
//! `web::Data<Imports>`. Cheap to clone.

use std::sync::Arc;

use jobs::Jobs;
use kernel::AppContext;
use storage::Storage;

use crate::{ImportsConfig, kind::Kinds};

/// The importer's state.
#[derive(Clone)]
pub struct Imports {
    ctx: AppContext,
    jobs: Jobs,
    storage: Storage,
    config: Arc<ImportsConfig>,
    kinds: Arc<Kinds>,
}

impl std::fmt::Debug for Imports {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Imports")
            .field("config", &self.config)
            .field("kinds", &self.kinds)
            .finish_non_exhaustive()
    }
}

impl Imports {
    /// Builds the state; `kinds` are the kinds the owning crates registered.
    pub fn new(
        ctx: &AppContext,
        jobs: &Jobs,
        storage: &Storage,
        config: ImportsConfig,
        kinds: Kinds,
    ) -> Self {
        Self {
            ctx: ctx.clone(),
            jobs: jobs.clone(),
            storage: storage.clone(),
            config: Arc::new(config),
            kinds: Arc::new(kinds),
        }
    }

    /// The shared context.
    pub fn ctx(&self) -> &AppContext {
        &self.ctx
    }

    /// The queues handle.
    pub fn jobs(&self) -> &Jobs {
        &self.jobs
    }

    /// The object store holding uploaded files.
    pub fn storage(&self) -> &Storage {
        &self.storage
    }

    /// The crate's configuration section.
    pub fn config(&self) -> &ImportsConfig {
        &self.config
    }

    /// The registered kinds.
    pub fn kinds(&self) -> &Kinds {
        &self.kinds
    }
}

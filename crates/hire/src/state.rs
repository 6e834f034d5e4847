//! The crate's state: the context, the queues, its configuration section and the object
//! store. Built once per process by the gateway and registered as `web::Data<Hire>`. Cheap to
//! clone.

use std::sync::Arc;

use jobs::Jobs;
use kernel::AppContext;
use storage::Storage;

use crate::{HireConfig, backend::MrHireBackend, elevenlabs::ElevenLabs};

/// Mr. Hire's state.
#[derive(Clone)]
pub struct Hire {
    ctx: AppContext,
    jobs: Jobs,
    storage: Storage,
    config: Arc<HireConfig>,
    elevenlabs: Option<ElevenLabs>,
    backend: Option<MrHireBackend>,
}

impl Hire {
    /// Builds the state.
    pub fn new(ctx: &AppContext, jobs: &Jobs, storage: &Storage, config: HireConfig) -> Self {
        Self {
            ctx: ctx.clone(),
            jobs: jobs.clone(),
            storage: storage.clone(),
            elevenlabs: ElevenLabs::from_config(&config),
            backend: MrHireBackend::new(config.backend_url.as_deref()),
            config: Arc::new(config),
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

    /// The object store (resumes).
    pub fn storage(&self) -> &Storage {
        &self.storage
    }

    /// The ElevenLabs (Aarya) client, when configured.
    pub fn elevenlabs(&self) -> Option<&ElevenLabs> {
        self.elevenlabs.as_ref()
    }

    /// The separate screening service, when `MR_HIRE_BACKEND_URL` is set.
    pub fn backend(&self) -> Option<&MrHireBackend> {
        self.backend.as_ref()
    }

    /// The crate's configuration section.
    pub fn config(&self) -> &HireConfig {
        &self.config
    }
}

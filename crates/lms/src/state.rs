//! The crate's state: the context, the queues, its configuration section and the object
//! store. Built once per process by the gateway and registered as `web::Data<Lms>`. Cheap to
//! clone.

use std::sync::Arc;

use jobs::Jobs;
use kernel::AppContext;
use storage::Storage;

use crate::{LmsConfig, service::code_runner::CodeRunner};

/// The LMS's state.
#[derive(Clone)]
pub struct Lms {
    ctx: AppContext,
    jobs: Jobs,
    storage: Storage,
    config: Arc<LmsConfig>,
    code_runner: Option<Arc<dyn CodeRunner>>,
}

impl Lms {
    /// Builds the state.
    pub fn new(ctx: &AppContext, jobs: &Jobs, storage: &Storage, config: LmsConfig) -> Self {
        Self {
            ctx: ctx.clone(),
            jobs: jobs.clone(),
            storage: storage.clone(),
            config: Arc::new(config),
            code_runner: None,
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

    /// The object store (cover images, documents, submissions, recordings).
    pub fn storage(&self) -> &Storage {
        &self.storage
    }

    /// The crate's configuration section.
    pub fn config(&self) -> &LmsConfig {
        &self.config
    }

    /// The same state, grading code questions through `runner`.
    pub fn with_code_runner(mut self, runner: Arc<dyn CodeRunner>) -> Self {
        self.code_runner = Some(runner);
        self
    }

    /// The runner of code answers, when one is configured.
    pub fn code_runner(&self) -> Option<&dyn CodeRunner> {
        self.code_runner.as_deref()
    }
}

//! The import job's payload (its own module: the service that enqueues it and the worker
//! that runs it both use it).

use jobs::JobSpec;
use uuid::Uuid;

/// Runs (or resumes after its checkpoint) one started import.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct RunImport {
    /// The import.
    pub import_id: Uuid,
}

impl JobSpec for RunImport {
    const QUEUE: &'static str = "bulkImportQueue";
    const NAME: &'static str = "run-import";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

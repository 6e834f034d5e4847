//! The crate's job: `run-import` on `bulkImportQueue`, carrying the import id only (the file
//! stays in storage; nothing of its content goes to Redis).

use jobs::{JobContext, JobError, Registry};

use crate::{
    Imports,
    service::run::{self, Outcome},
};

pub use crate::job::RunImport;

/// What an import that gave up says (the cause is in the log, not in the API).
const GAVE_UP: &str =
    "the import stopped on its last attempt; committed rows stay, start it again to resume";

/// Registers the crate's job handler.
pub fn workers(registry: &mut Registry, imports: &Imports) {
    let state = imports.clone();
    registry.handle(move |ctx: JobContext, job: RunImport| {
        let state = state.clone();
        async move {
            match run::run(&state, &ctx, job.import_id).await {
                Ok(outcome) => {
                    if outcome == Outcome::AlreadyDone {
                        tracing::info!(import = %job.import_id, "import already complete");
                    }
                    Ok(())
                }
                Err(err) => {
                    let gives_up = ctx.is_last_attempt() || matches!(err, JobError::Permanent(_));
                    tracing::warn!(import = %job.import_id, attempt = ctx.attempt, gives_up, error = %err, "import attempt failed");
                    if gives_up {
                        run::mark_failed(&state, job.import_id, GAVE_UP).await?;
                    }
                    Err(err)
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use jobs::JobSpec;
    use uuid::Uuid;

    #[test]
    fn the_payload_is_the_import_id_only() {
        let id = Uuid::now_v7();
        let v = serde_json::to_value(RunImport { import_id: id }).unwrap_or_default();
        assert_eq!(v, serde_json::json!({"import_id": id}));
        assert!(RunImport::SECRET_FIELDS.is_empty());
    }
}

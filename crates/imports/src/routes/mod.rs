//! The importer's HTTP routes under `/api/bulk-upload` (ADMIN of the platform). Not behind a
//! platform module: every platform imports its own users, and the kinds of other crates
//! (questions, leads) sit behind their owners' rules.

pub mod imports;
pub mod kinds;

use kernel::routes::{ServiceConfig, scope};

/// The OpenAPI tag of these routes.
pub const TAG: &str = "imports";

/// Mounts every route of the crate.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        scope("/api/bulk-upload")
            // literal paths before `/{id}`, which would take `kinds` for an id; the upload is
            // under `/kinds/{kind}` so that no path template means both an import and a kind
            .service(kinds::list)
            .service(kinds::template)
            .service(imports::upload)
            .service(imports::list)
            .service(imports::start)
            .service(imports::errors)
            .service(imports::get),
    );
}

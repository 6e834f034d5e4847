//! The storage routes. `/api/upload*` need a signed-in user of a platform that enabled the
//! `storage` module; `/api/storage/{key}` are public by design (the URL signature is the
//! credential) and only exist for the local store.

use kernel::routes::{ServiceConfig, scope};
use kernel::tenant::ModuleGate;

pub mod presign;
pub mod signed;
pub mod upload;

/// Mounts `/api/upload`, `/api/upload/presign`, `/api/upload/url` and the local signed
/// `GET`/`PUT /api/storage/{key}`.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        scope("/api/upload")
            .wrap(ModuleGate("storage"))
            .service(upload::upload)
            .service(presign::presign)
            .service(presign::signed_url),
    )
    .service(signed::download)
    .service(signed::upload);
}

//! Object storage on `object_store`: a local directory (`STORAGE_DIR`) by default, S3 or an
//! S3-compatible endpoint (MinIO, R2) when `AWS_S3_BUCKET` is set.
//!
//! - [`Storage`] is the process's store (`put`, `get`, `head`, `delete`, signed download and
//!   upload URLs) and the crate's state (it keeps the [`StorageConfig`] section); the gateway
//!   builds it once and registers it as `web::Data<Storage>`.
//! - Keys are generated here, never by clients: `<platform>/[<folder>/]<yyyy>/<mm>/<uuidv7>-<name>`
//!   ([`keys`]); a key handed back is checked and must belong to the caller's platform.
//! - Downloads and direct uploads go through short-lived URLs: SigV4 presigned for S3,
//!   HMAC-signed URLs to `/api/storage/{key}` for the local store ([`signing`]).
//! - [`configure`] mounts `POST /api/upload`, `POST /api/upload/presign`,
//!   `GET /api/upload/url` and the local signed `GET`/`PUT /api/storage/{key}`.

pub mod config;
pub mod dto;
pub mod error;
pub mod keys;
pub mod media;
pub mod routes;
pub mod signing;
pub mod store;

pub use config::StorageConfig;
pub use error::StorageError;
pub use keys::ObjectKey;
pub use routes::configure;
pub use store::{BackendKind, Object, ObjectInfo, ObjectWriter, PresignedPut, SignedUrl, Storage};

//! Storage keys a client hands back (submission files, recordings, documents): well-formed,
//! of this platform's storage, and stored.

use kernel::{AppError, Tenant};
use storage::{ObjectInfo, ObjectKey, Storage};

use crate::error::LmsError;

/// The stored object under `key`, or 422 naming `field` when the key is malformed, of another
/// platform, or names nothing stored.
pub async fn stored(
    store: &Storage,
    tenant: &Tenant,
    field: &str,
    key: &str,
) -> Result<ObjectInfo, LmsError> {
    let invalid = |message: &str| LmsError::App(AppError::invalid_field(field, message));
    let parsed = ObjectKey::parse(key).map_err(|_| invalid("must be a storage key"))?;
    if !parsed.belongs_to(&tenant.slug) {
        return Err(invalid("must be a key of this platform's storage"));
    }
    store
        .head(&parsed)
        .await
        .map_err(|_| invalid("no object is stored under this key"))
}

/// A short-lived signed URL of a stored key (none when the key or the store fails).
pub async fn signed_url(store: &Storage, key: &str) -> Option<String> {
    let key = ObjectKey::parse(key).ok()?;
    store
        .signed_get_url(&key, store.signed_url_ttl())
        .await
        .ok()
        .map(|u| u.url)
}

//! [`Storage`]: the object store behind one small API, and the URLs that hand objects to
//! clients without passing the bytes through this server.
//!
//! - Local directory (`STORAGE_DIR`, the default): `object_store`'s `LocalFileSystem`; the
//!   content type lives in a small JSON sidecar under `_meta/` (the local store keeps no
//!   attributes); URLs point back at this server and are HMAC-signed ([`crate::signing`]).
//! - S3 (`AWS_S3_BUCKET` set; MinIO/R2 with `AWS_S3_ENDPOINT`): the content type is an object
//!   attribute; URLs are SigV4 presigned by `object_store`'s `Signer`.

use std::{collections::BTreeMap, fmt, sync::Arc, time::Duration};

use crate::config::StorageConfig;
use actix_web::web::Bytes;
use anyhow::Context;
use chrono::{DateTime, TimeZone, Utc};
use object_store::{
    Attribute, Attributes, GetOptions, ObjectStore, ObjectStoreExt, PutMultipartOptions,
    PutOptions, PutPayload, WriteMultipart,
    aws::{AmazonS3, AmazonS3Builder},
    local::LocalFileSystem,
    path::Path,
    signer::{HeaderName, HeaderValue, Method, SignedUrlOptions, Signer},
};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};

use crate::{
    error::StorageError,
    keys::ObjectKey,
    signing::{self, Grant, Rejection},
};

/// The media type of objects stored without one.
const DEFAULT_CONTENT_TYPE: &str = "application/octet-stream";
/// Where the local store keeps its content-type sidecars (never a platform slug).
const META_PREFIX: &str = "_meta";
/// The path of the local signed routes.
pub const LOCAL_ROUTE_PREFIX: &str = "/api/storage/";

/// Which kind of store is configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    /// A local directory; URLs are served by this server.
    Local,
    /// S3 or an S3-compatible endpoint; URLs point at the bucket.
    S3,
}

enum Backend {
    Local { store: LocalFileSystem },
    S3 { store: AmazonS3 },
}

struct Inner {
    backend: Backend,
    config: StorageConfig,
    public_base_url: String,
}

/// The object store of this process. Cheap to clone.
#[derive(Clone)]
pub struct Storage {
    inner: Arc<Inner>,
}

impl fmt::Debug for Storage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Storage")
            .field("backend", &self.kind())
            .field("public_base_url", &self.inner.public_base_url)
            .field("upload_max_bytes", &self.inner.config.upload_max_bytes)
            .finish_non_exhaustive()
    }
}

/// What is known about a stored object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    /// The key.
    pub key: ObjectKey,
    /// Size in bytes.
    pub size: u64,
    /// Media type.
    pub content_type: String,
    /// Last write.
    pub last_modified: DateTime<Utc>,
}

/// An object's bytes and what is known about it.
#[derive(Debug, Clone)]
pub struct Object {
    /// Size, type, time.
    pub info: ObjectInfo,
    /// The content.
    pub bytes: Bytes,
}

/// A time-limited download URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedUrl {
    /// The URL (absolute).
    pub url: String,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// A time-limited upload URL and how to use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresignedPut {
    /// The URL (absolute).
    pub url: String,
    /// Always `PUT`.
    pub method: &'static str,
    /// Headers the upload must carry exactly (`Content-Type`). The body must be the announced
    /// size (the local store's signature binds `Content-Length`).
    pub headers: BTreeMap<String, String>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

#[derive(Serialize, Deserialize)]
struct Sidecar {
    content_type: String,
}

/// The S3 builder for a configuration (exposed for tests of the configuration mapping):
/// region, bucket, static keys when given (else the usual AWS credential chain), and for a
/// custom endpoint path-style requests, plus plain HTTP when the endpoint is `http://`.
pub fn s3_builder(config: &StorageConfig, bucket: &str) -> AmazonS3Builder {
    let mut builder = AmazonS3Builder::from_env()
        .with_bucket_name(bucket)
        .with_region(&config.s3_region);
    if let Some(id) = &config.s3_access_key_id {
        builder = builder.with_access_key_id(id);
    }
    if let Some(secret) = &config.s3_secret_access_key {
        builder = builder.with_secret_access_key(secret.expose_secret());
    }
    if let Some(endpoint) = &config.s3_endpoint {
        builder = builder
            .with_endpoint(endpoint.trim_end_matches('/'))
            .with_virtual_hosted_style_request(false)
            .with_allow_http(endpoint.starts_with("http://"));
    }
    builder
}

impl Storage {
    /// Builds the store from its configuration section: S3 when `AWS_S3_BUCKET` is set, else the local
    /// directory (created if missing). `public_base_url` is where local signed URLs point.
    pub fn from_config(config: &StorageConfig, public_base_url: &str) -> anyhow::Result<Self> {
        let backend = match &config.s3_bucket {
            Some(bucket) => Backend::S3 {
                store: s3_builder(config, bucket)
                    .build()
                    .with_context(|| format!("configuring S3 bucket {bucket:?}"))?,
            },
            None => {
                std::fs::create_dir_all(&config.dir)
                    .with_context(|| format!("creating STORAGE_DIR {}", config.dir.display()))?;
                let store = LocalFileSystem::new_with_prefix(&config.dir)
                    .with_context(|| format!("opening STORAGE_DIR {}", config.dir.display()))?;
                Backend::Local { store }
            }
        };
        match &config.s3_bucket {
            Some(bucket) => {
                tracing::info!(bucket, endpoint = ?config.s3_endpoint, "object storage: S3")
            }
            None => tracing::info!(dir = %config.dir.display(), "object storage: local directory"),
        }
        Ok(Self {
            inner: Arc::new(Inner {
                backend,
                config: config.clone(),
                public_base_url: public_base_url.trim_end_matches('/').to_owned(),
            }),
        })
    }

    /// The crate's configuration section.
    pub fn config(&self) -> &StorageConfig {
        &self.inner.config
    }

    /// Which kind of store this is.
    pub fn kind(&self) -> BackendKind {
        match self.inner.backend {
            Backend::Local { .. } => BackendKind::Local,
            Backend::S3 { .. } => BackendKind::S3,
        }
    }

    /// `UPLOAD_MAX_BYTES`.
    pub fn upload_max_bytes(&self) -> usize {
        self.inner.config.upload_max_bytes
    }

    /// `SIGNED_URL_TTL_SECS`.
    pub fn signed_url_ttl(&self) -> Duration {
        self.inner.config.signed_url_ttl
    }

    fn store(&self) -> &dyn ObjectStore {
        match &self.inner.backend {
            Backend::Local { store } => store,
            Backend::S3 { store } => store,
        }
    }

    /// Writes an object (replacing any object of that key).
    pub async fn put(
        &self,
        key: &ObjectKey,
        bytes: Bytes,
        content_type: &str,
    ) -> Result<ObjectInfo, StorageError> {
        let path = path_of(key)?;
        let size = bytes.len() as u64;
        let fail = |e| StorageError::from_store(e, key.as_str());
        match &self.inner.backend {
            Backend::S3 { store } => {
                let mut attributes = Attributes::new();
                attributes.insert(Attribute::ContentType, content_type.to_owned().into());
                store
                    .put_opts(&path, PutPayload::from(bytes), PutOptions::from(attributes))
                    .await
                    .map_err(fail)?;
            }
            Backend::Local { store } => {
                let sidecar = serde_json::to_vec(&Sidecar {
                    content_type: content_type.to_owned(),
                })
                .context("encoding the sidecar")?;
                store
                    .put(&sidecar_of(key)?, PutPayload::from(sidecar))
                    .await
                    .map_err(fail)?;
                store
                    .put(&path, PutPayload::from(bytes))
                    .await
                    .map_err(fail)?;
            }
        }
        Ok(ObjectInfo {
            key: key.clone(),
            size,
            content_type: content_type.to_owned(),
            last_modified: Utc::now(),
        })
    }

    /// Starts writing an object part by part ([`ObjectWriter`]): a multipart upload on S3
    /// (5 MiB parts), a staged file renamed into place locally, so a large upload never sits
    /// whole in memory. Nothing is visible under `key` before [`ObjectWriter::finish`].
    pub async fn writer(
        &self,
        key: &ObjectKey,
        content_type: &str,
    ) -> Result<ObjectWriter, StorageError> {
        let path = path_of(key)?;
        let fail = |e| StorageError::from_store(e, key.as_str());
        let (upload, chunk) = match &self.inner.backend {
            Backend::S3 { store } => {
                let mut attributes = Attributes::new();
                attributes.insert(Attribute::ContentType, content_type.to_owned().into());
                let opts = PutMultipartOptions {
                    attributes,
                    ..PutMultipartOptions::default()
                };
                let upload = store.put_multipart_opts(&path, opts).await.map_err(fail)?;
                (upload, 5 * 1024 * 1024)
            }
            Backend::Local { store } => {
                (store.put_multipart(&path).await.map_err(fail)?, 256 * 1024)
            }
        };
        Ok(ObjectWriter {
            storage: self.clone(),
            key: key.clone(),
            content_type: content_type.to_owned(),
            upload: WriteMultipart::new_with_chunk_size(upload, chunk),
            size: 0,
        })
    }

    /// Reads a whole object (404 when absent).
    pub async fn get(&self, key: &ObjectKey) -> Result<Object, StorageError> {
        let result = self
            .store()
            .get(&path_of(key)?)
            .await
            .map_err(|e| StorageError::from_store(e, key.as_str()))?;
        let attribute = result.attributes.get(&Attribute::ContentType).cloned();
        let (size, last_modified) = (result.meta.size, result.meta.last_modified);
        let bytes = result
            .bytes()
            .await
            .map_err(|e| StorageError::from_store(e, key.as_str()))?;
        let content_type = self.content_type(key, attribute.as_deref()).await?;
        Ok(Object {
            info: ObjectInfo {
                key: key.clone(),
                size,
                content_type,
                last_modified,
            },
            bytes,
        })
    }

    /// Streams an object into `out` chunk by chunk, never holding it whole (404 when
    /// absent). Answers the bytes written.
    pub async fn copy_to(
        &self,
        key: &ObjectKey,
        out: &mut (impl tokio::io::AsyncWrite + Unpin),
    ) -> Result<u64, StorageError> {
        use futures::StreamExt;
        use tokio::io::AsyncWriteExt;
        let fail = |e| StorageError::from_store(e, key.as_str());
        let mut stream = self
            .store()
            .get(&path_of(key)?)
            .await
            .map_err(fail)?
            .into_stream();
        let mut size = 0u64;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(fail)?;
            out.write_all(&chunk)
                .await
                .context("writing a local copy")?;
            size += chunk.len() as u64;
        }
        out.flush().await.context("writing a local copy")?;
        Ok(size)
    }

    /// Size, type and time of an object (404 when absent).
    pub async fn head(&self, key: &ObjectKey) -> Result<ObjectInfo, StorageError> {
        let result = self
            .store()
            .get_opts(&path_of(key)?, GetOptions::default().with_head(true))
            .await
            .map_err(|e| StorageError::from_store(e, key.as_str()))?;
        let attribute = result.attributes.get(&Attribute::ContentType).cloned();
        Ok(ObjectInfo {
            key: key.clone(),
            size: result.meta.size,
            content_type: self.content_type(key, attribute.as_deref()).await?,
            last_modified: result.meta.last_modified,
        })
    }

    /// Deletes an object; deleting an absent object succeeds.
    pub async fn delete(&self, key: &ObjectKey) -> Result<(), StorageError> {
        let ignore_missing = |r: object_store::Result<()>| match r {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(StorageError::from_store(e, key.as_str())),
        };
        ignore_missing(self.store().delete(&path_of(key)?).await)?;
        if let Backend::Local { store } = &self.inner.backend {
            ignore_missing(store.delete(&sidecar_of(key)?).await)?;
        }
        Ok(())
    }

    async fn content_type(
        &self,
        key: &ObjectKey,
        attribute: Option<&str>,
    ) -> Result<String, StorageError> {
        if let Some(content_type) = attribute {
            return Ok(content_type.to_owned());
        }
        let Backend::Local { store } = &self.inner.backend else {
            return Ok(DEFAULT_CONTENT_TYPE.to_owned());
        };
        let raw = match store.get(&sidecar_of(key)?).await {
            Ok(result) => result
                .bytes()
                .await
                .map_err(|e| StorageError::from_store(e, key.as_str()))?,
            Err(object_store::Error::NotFound { .. }) => {
                return Ok(DEFAULT_CONTENT_TYPE.to_owned());
            }
            Err(e) => return Err(StorageError::from_store(e, key.as_str())),
        };
        Ok(serde_json::from_slice::<Sidecar>(&raw)
            .map(|s| s.content_type)
            .unwrap_or_else(|_| DEFAULT_CONTENT_TYPE.to_owned()))
    }

    /// A download URL valid for `ttl`.
    pub async fn signed_get_url(
        &self,
        key: &ObjectKey,
        ttl: Duration,
    ) -> Result<SignedUrl, StorageError> {
        let expires_at = expiry(ttl);
        let url = match &self.inner.backend {
            Backend::S3 { store } => store
                .signed_url(Method::GET, &path_of(key)?, ttl)
                .await
                .map_err(|e| StorageError::from_store(e, key.as_str()))?
                .to_string(),
            Backend::Local { .. } => self.local_url("GET", key, expires_at, None, None)?,
        };
        Ok(SignedUrl { url, expires_at })
    }

    /// An upload URL valid for `ttl` that only accepts `Content-Type: content_type`. The local
    /// store's URL also binds `Content-Length: size`; S3's cannot (object_store does not sign
    /// that header), so there the size was only checked when presigning.
    pub async fn presigned_put(
        &self,
        key: &ObjectKey,
        content_type: &str,
        size: u64,
        ttl: Duration,
    ) -> Result<PresignedPut, StorageError> {
        let expires_at = expiry(ttl);
        let url = match &self.inner.backend {
            Backend::S3 { store } => {
                // object_store cannot sign `Content-Length` (SigV4 query presigning drops it),
                // so S3 enforces the type only; see docs/adr/0010-object-storage.md.
                let value = HeaderValue::from_str(content_type).map_err(|_| {
                    StorageError::UnsupportedMediaType {
                        field: "content_type",
                        content_type: content_type.to_owned(),
                    }
                })?;
                let options = SignedUrlOptions::default()
                    .with_signed_header(HeaderName::from_static("content-type"), value);
                store
                    .signed_url_opts(Method::PUT, &path_of(key)?, ttl, &options)
                    .await
                    .map_err(|e| StorageError::from_store(e, key.as_str()))?
                    .to_string()
            }
            Backend::Local { .. } => {
                self.local_url("PUT", key, expires_at, Some(content_type), Some(size))?
            }
        };
        Ok(PresignedPut {
            url,
            method: "PUT",
            headers: BTreeMap::from([("Content-Type".to_owned(), content_type.to_owned())]),
            expires_at,
        })
    }

    /// A local signed URL with any expiry (past ones included, for tests and tools).
    /// Errors on an S3 store, whose URLs come from [`Self::signed_get_url`] and
    /// [`Self::presigned_put`].
    pub fn local_url(
        &self,
        method: &str,
        key: &ObjectKey,
        expires_at: DateTime<Utc>,
        content_type: Option<&str>,
        content_length: Option<u64>,
    ) -> Result<String, StorageError> {
        if self.kind() != BackendKind::Local {
            return Err(anyhow::anyhow!("local URLs are only issued by the local store").into());
        }
        let expires = expires_at.timestamp();
        let grant = Grant {
            method,
            key: key.as_str(),
            expires,
            content_type,
            content_length,
        };
        let sig = signing::sign(
            self.inner.config.signing_secret.expose_secret().as_bytes(),
            &grant,
        )
        .ok_or_else(|| anyhow::anyhow!("keying the URL signature"))?;
        Ok(format!(
            "{}{LOCAL_ROUTE_PREFIX}{key}?expires={expires}&sig={sig}",
            self.inner.public_base_url
        ))
    }

    /// Checks a request on a local signed URL. 404 when this process has no local store (its
    /// URLs are the bucket's), 403 `invalid_url_signature` or `url_expired` otherwise.
    pub fn verify_local(&self, grant: &Grant<'_>, sig: Option<&str>) -> Result<(), StorageError> {
        if self.kind() != BackendKind::Local {
            return Err(StorageError::NotFound(grant.key.to_owned()));
        }
        let sig = sig.ok_or(StorageError::InvalidSignature)?;
        let secret = self.inner.config.signing_secret.expose_secret().as_bytes();
        signing::verify(secret, grant, sig, Utc::now().timestamp()).map_err(|r| match r {
            Rejection::InvalidSignature => StorageError::InvalidSignature,
            Rejection::Expired => StorageError::Expired,
        })
    }
}

/// An object being written chunk by chunk ([`Storage::writer`]). Drop it (or call
/// [`ObjectWriter::abort`]) to leave nothing behind.
pub struct ObjectWriter {
    storage: Storage,
    key: ObjectKey,
    content_type: String,
    upload: WriteMultipart,
    size: u64,
}

impl fmt::Debug for ObjectWriter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ObjectWriter")
            .field("key", &self.key)
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

impl ObjectWriter {
    /// Appends a chunk (waiting while a part is still on its way, so at most two parts are
    /// held).
    pub async fn write(&mut self, bytes: Bytes) -> Result<(), StorageError> {
        self.upload
            .wait_for_capacity(1)
            .await
            .map_err(|e| StorageError::from_store(e, self.key.as_str()))?;
        self.size += bytes.len() as u64;
        self.upload.put(bytes);
        Ok(())
    }

    /// Bytes written so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Completes the object and answers what was stored.
    pub async fn finish(self) -> Result<ObjectInfo, StorageError> {
        let fail = |e| StorageError::from_store(e, self.key.as_str());
        self.upload.finish().await.map_err(fail)?;
        if let Backend::Local { store } = &self.storage.inner.backend {
            let sidecar = serde_json::to_vec(&Sidecar {
                content_type: self.content_type.clone(),
            })
            .context("encoding the sidecar")?;
            store
                .put(&sidecar_of(&self.key)?, PutPayload::from(sidecar))
                .await
                .map_err(fail)?;
        }
        Ok(ObjectInfo {
            key: self.key,
            size: self.size,
            content_type: self.content_type,
            last_modified: Utc::now(),
        })
    }

    /// Gives up the object (the parts written are removed).
    pub async fn abort(self) {
        if let Err(e) = self.upload.abort().await {
            tracing::warn!(key = %self.key.loggable(), error = %e, "aborting an upload failed");
        }
    }
}

fn path_of(key: &ObjectKey) -> Result<Path, StorageError> {
    Path::parse(key.as_str()).map_err(|e| StorageError::InvalidKey(e.to_string()))
}

fn sidecar_of(key: &ObjectKey) -> Result<Path, StorageError> {
    Path::parse(format!("{META_PREFIX}/{key}.json"))
        .map_err(|e| StorageError::InvalidKey(e.to_string()))
}

/// Now plus `ttl`, rounded up to a whole second (local URLs carry Unix seconds).
fn expiry(ttl: Duration) -> DateTime<Utc> {
    let secs = ttl.as_secs().max(1) as i64 + i64::from(ttl.subsec_nanos() > 0);
    let at = Utc::now().timestamp().saturating_add(secs);
    Utc.timestamp_opt(at, 0).single().unwrap_or_else(Utc::now)
}

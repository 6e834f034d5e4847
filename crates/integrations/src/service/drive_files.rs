//! Using a connected Drive: an access token (the stored one until a minute before it runs
//! out, else a fresh one from the sealed refresh token, stored again), a page of files, and
//! importing one file into object storage (Google's own formats exported to PDF or xlsx;
//! at most `GOOGLE_DRIVE_IMPORT_MAX_BYTES`; media types on storage's upload allow-list).
//! A refresh token Google no longer accepts ends the connection: the row is deleted and the
//! caller gets 409 `drive_not_connected`.

use chrono::{Duration, Utc};
use kernel::{AppError, audit, auth::AuthUser};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
use secrecy::SecretString;
use serde_json::json;
use storage::{ObjectKey, Storage, keys::parse_folder, media};

use crate::{
    Integrations, IntegrationsError,
    dto::drive::ImportedFile,
    entities::google_drive_connections as connections,
    google_drive::{Download, FileList, query},
    provider::ProviderError,
    service::drive::{client, find, seal_context},
};

/// An access token is refreshed this long before it runs out.
const MARGIN_SECS: i64 = 60;

/// The caller's access token on their platform.
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn access_token(
    state: &Integrations,
    user: &AuthUser,
) -> Result<SecretString, IntegrationsError> {
    let drive = client(state)?;
    let db = &state.ctx.db;
    let row = find(db, user.tenant.id, user.id)
        .await?
        .ok_or(IntegrationsError::DriveNotConnected)?;
    let ctx = |what| seal_context(row.platform_id, row.user_id, what);
    let now = Utc::now();
    if let (Some(sealed), Some(expires)) = (&row.access_token_sealed, row.access_expires_at)
        && expires > now + Duration::seconds(MARGIN_SECS)
        && let Ok(token) = state.drive_seal.open(sealed, &ctx("access"))
    {
        return Ok(token);
    }
    let Ok(refresh) = state
        .drive_seal
        .open(&row.refresh_token_sealed, &ctx("refresh"))
    else {
        tracing::warn!("a stored Google Drive token does not open; the user must reconnect");
        connections::Entity::delete_by_id(row.id).exec(db).await?;
        return Err(IntegrationsError::DriveNotConnected);
    };
    let fresh = match drive.oauth.refresh(&refresh).await {
        Ok(fresh) => fresh,
        Err(ProviderError::Status { status, .. }) if status == 400 || status == 401 => {
            tracing::info!("Google no longer accepts the Drive grant; forgetting it");
            connections::Entity::delete_by_id(row.id).exec(db).await?;
            return Err(IntegrationsError::DriveNotConnected);
        }
        Err(e) => return Err(AppError::from(e).into()),
    };
    let sealed = state
        .drive_seal
        .seal(&fresh.token, &ctx("access"))
        .map_err(anyhow::Error::new)?;
    let mut active = row.clone().into_active_model();
    active.access_token_sealed = Set(Some(sealed));
    active.access_expires_at = Set(Some(now + Duration::seconds(fresh.expires_in)));
    active.update(db).await?;
    Ok(fresh.token)
}

/// A page of the caller's files whose names contain `search`.
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn list(
    state: &Integrations,
    user: &AuthUser,
    search: Option<&str>,
    page_token: Option<&str>,
) -> Result<FileList, IntegrationsError> {
    let drive = client(state)?;
    let q =
        query::drive_query(search).map_err(|m| IntegrationsError::Invalid("q".into(), m.into()))?;
    if let Some(token) = page_token
        && !query::valid_page_token(token)
    {
        return Err(IntegrationsError::Invalid(
            "page_token".into(),
            "is not a page token".into(),
        ));
    }
    let access = access_token(state, user).await?;
    Ok(drive.list(&access, &q, page_token).await?)
}

fn not_importable(message: impl Into<String>) -> IntegrationsError {
    IntegrationsError::DriveFileNotImportable(message.into())
}

/// Imports the caller's file `file_id` into storage under `<platform>/google-drive/`.
#[tracing::instrument(skip_all, fields(user_id = %user.id, file_id))]
pub async fn import(
    state: &Integrations,
    storage: &Storage,
    user: &AuthUser,
    file_id: &str,
) -> Result<ImportedFile, IntegrationsError> {
    let drive = client(state)?;
    if !query::valid_file_id(file_id) {
        return Err(IntegrationsError::Invalid(
            "id".into(),
            "is not a Drive file id".into(),
        ));
    }
    let access = access_token(state, user).await?;
    let file = match drive.file(&access, file_id).await {
        Ok(file) => file,
        Err(ProviderError::Status { status: 404, .. }) => {
            return Err(AppError::not_found(format!("no Drive file {file_id}")).into());
        }
        Err(e) => return Err(AppError::from(e).into()),
    };
    let export = crate::google_drive::export_format(&file.mime_type);
    if export.is_none() && file.mime_type.starts_with("application/vnd.google-apps.") {
        return Err(not_importable(format!(
            "{} files cannot be imported",
            file.mime_type
        )));
    }
    let limit = drive.import_max_bytes;
    if file.size.is_some_and(|n| n > limit) {
        return Err(IntegrationsError::DriveFileTooLarge { limit });
    }
    let (bytes, mime) = match drive.download(&access, &file, export.map(|e| e.0)).await? {
        Download::Bytes(bytes, mime) => (bytes, mime),
        Download::TooLarge => return Err(IntegrationsError::DriveFileTooLarge { limit }),
    };
    let content_type = media::allowed(&mime)
        .ok_or_else(|| not_importable(format!("{mime} is not a media type storage accepts")))?;
    let name = match export {
        Some((_, ext)) => format!("{}.{ext}", file.name),
        None => file.name.clone(),
    };
    let folder = parse_folder("google-drive").map_err(|m| anyhow::anyhow!(m))?;
    let key = ObjectKey::generate(&user.tenant.slug, folder.as_ref(), &name, Utc::now())
        .map_err(|e| anyhow::anyhow!("object key: {e}"))?;
    let stored = storage
        .put(&key, bytes, &content_type)
        .await
        .map_err(AppError::from)?;
    let signed = storage
        .signed_get_url(&key, storage.signed_url_ttl())
        .await
        .map_err(AppError::from)?;
    audit::record(
        &state.ctx.db,
        audit::Audit::by(user, "google_drive.file_imported", "object", key.as_str()).after(
            json!({"drive_file_id": file.id, "size": stored.size, "content_type": content_type}),
        ),
    )
    .await?;
    tracing::info!(key = %key.loggable(), size = stored.size, "Drive file imported");
    Ok(ImportedFile {
        key: key.to_string(),
        url: signed.url,
        size: stored.size,
        content_type: stored.content_type,
        name,
        drive_file_id: file.id,
    })
}

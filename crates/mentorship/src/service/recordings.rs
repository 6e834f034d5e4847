//! Recordings: a participant (or an admin) asks for a presigned upload URL, which creates a
//! `pending` row; confirming checks the object is in storage with the announced size and
//! marks it `uploaded`; the list carries short-lived signed playback URLs. Everything is
//! behind the meeting's visibility (participants and admins of its platform; others 404).

use chrono::Utc;
use kernel::{AppError, Tenant};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use storage::{ObjectKey, Storage, StorageError, keys::parse_folder};
use uuid::Uuid;

use super::meetings::visible;
use crate::entities::RecordingStatus;
use crate::{
    dto::recordings::{NewRecording, RecordingDto, RecordingUpload, UploadTarget},
    entities::meeting_recordings as recordings,
    error::MentorshipError,
};

/// Who asks.
#[derive(Debug, Clone, Copy)]
pub struct Viewer {
    /// User id.
    pub user_id: Uuid,
    /// Admins see every meeting of their platform.
    pub is_admin: bool,
}

fn storage_err(e: StorageError) -> MentorshipError {
    MentorshipError::App(AppError::from(e))
}

/// Starts an upload: validates the size against `UPLOAD_MAX_BYTES`, presigns a `PUT` for a
/// fresh key under `<platform>/recordings/` and records the `pending` row.
pub async fn start<C: ConnectionTrait>(
    conn: &C,
    store: &Storage,
    tenant: &Tenant,
    who: Viewer,
    meeting_id: Uuid,
    req: NewRecording,
) -> Result<RecordingUpload, MentorshipError> {
    let m = visible(conn, tenant.id, who.user_id, who.is_admin, meeting_id).await?;
    let limit = store.upload_max_bytes() as u64;
    if req.size > limit {
        return Err(MentorshipError::Invalid(
            "size",
            format!("must be at most {limit} bytes"),
        ));
    }
    let content_type = storage::media::allowed(&req.content_type).ok_or(
        MentorshipError::Invalid("content_type", "is not an accepted media type".into()),
    )?;
    let folder = parse_folder("recordings").map_err(|e| MentorshipError::Invalid("folder", e))?;
    let key = ObjectKey::generate(&tenant.slug, folder.as_ref(), &req.filename, Utc::now())
        .map_err(storage_err)?;
    let put = store
        .presigned_put(&key, &content_type, req.size, store.signed_url_ttl())
        .await
        .map_err(storage_err)?;
    let row = recordings::ActiveModel {
        id: Set(kernel::ids::new_id()),
        platform_id: Set(tenant.id),
        meeting_id: Set(m.id),
        object_key: Set(key.to_string()),
        filename: Set(req.filename),
        content_type: Set(content_type),
        size_bytes: Set(i64::try_from(req.size).unwrap_or(i64::MAX)),
        status: Set(RecordingStatus::Pending),
        created_by: Set(who.user_id),
        created_at: Set(Utc::now()),
        uploaded_at: Set(None),
    }
    .insert(conn)
    .await?;
    Ok(RecordingUpload {
        recording: row.into(),
        upload: UploadTarget {
            url: put.url,
            method: put.method.to_owned(),
            headers: put.headers,
            expires_at: put.expires_at,
        },
    })
}

/// Confirms an upload: the object must exist with the announced size (409
/// `upload_missing` / `upload_size_mismatch`). Confirming twice changes nothing.
pub async fn complete<C: ConnectionTrait>(
    conn: &C,
    store: &Storage,
    tenant: &Tenant,
    who: Viewer,
    meeting_id: Uuid,
    recording_id: Uuid,
) -> Result<RecordingDto, MentorshipError> {
    let m = visible(conn, tenant.id, who.user_id, who.is_admin, meeting_id).await?;
    let row = recordings::Entity::find_by_id(recording_id)
        .filter(recordings::Column::PlatformId.eq(tenant.id))
        .filter(recordings::Column::MeetingId.eq(m.id))
        .one(conn)
        .await?
        .ok_or(MentorshipError::NotFound("recording"))?;
    if row.status == RecordingStatus::Uploaded {
        return Ok(row.into());
    }
    let key = ObjectKey::parse(&row.object_key).map_err(storage_err)?;
    let info = match store.head(&key).await {
        Ok(info) => info,
        Err(StorageError::NotFound(_)) => {
            return Err(MentorshipError::UploadMissing);
        }
        Err(e) => return Err(storage_err(e)),
    };
    if i64::try_from(info.size).ok() != Some(row.size_bytes) {
        return Err(MentorshipError::UploadSizeMismatch(format!(
            "the stored object has {} bytes, {} were announced",
            info.size, row.size_bytes
        )));
    }
    let mut r: recordings::ActiveModel = row.into();
    r.status = Set(RecordingStatus::Uploaded);
    r.uploaded_at = Set(Some(Utc::now()));
    Ok(r.update(conn).await?.into())
}

/// The meeting's recordings, oldest first; uploaded ones with a signed playback URL.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    store: &Storage,
    tenant: &Tenant,
    who: Viewer,
    meeting_id: Uuid,
) -> Result<Vec<RecordingDto>, MentorshipError> {
    let m = visible(conn, tenant.id, who.user_id, who.is_admin, meeting_id).await?;
    let rows = recordings::Entity::find()
        .filter(recordings::Column::PlatformId.eq(tenant.id))
        .filter(recordings::Column::MeetingId.eq(m.id))
        .order_by_asc(recordings::Column::CreatedAt)
        .limit(100)
        .all(conn)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let uploaded = row.status == RecordingStatus::Uploaded;
        let key = row.object_key.clone();
        let mut dto = RecordingDto::from(row);
        if uploaded {
            let key = ObjectKey::parse(&key).map_err(storage_err)?;
            let url = store
                .signed_get_url(&key, store.signed_url_ttl())
                .await
                .map_err(storage_err)?;
            dto.playback_url = Some(url.url);
            dto.playback_expires_at = Some(url.expires_at);
        }
        out.push(dto);
    }
    Ok(out)
}

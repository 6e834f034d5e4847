//! Voice interviews (ADR 0059): Aarya (an ElevenLabs conversational agent) calls an
//! application's candidate; the signed post-call webhook or the `aaryaSyncQueue` reconciler
//! (for calls whose webhook never came) completes the interview once: transcript and
//! evaluation on the row, the recording into storage.

use chrono::{Duration, Utc};
use kernel::AppError;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
    sea_query::{Expr, Query},
};
use serde_json::{Value, json};
use storage::{ObjectKey, Storage, keys};
use uuid::Uuid;

use crate::{
    HireError,
    dto::voice::VoiceInterviewView,
    elevenlabs::ElevenLabs,
    entities::{candidates, job_applications, job_posts, voice_interviews},
    service::pipeline,
};

/// A dispatched call.
pub const DISPATCHED: &str = "dispatched";
/// A finished call with its transcript.
pub const COMPLETED: &str = "completed";
/// A call ElevenLabs reports failed.
pub const FAILED: &str = "failed";

fn not_configured() -> HireError {
    HireError::App(AppError::provider_not_configured("ElevenLabs (Aarya)"))
}

/// The answer shape of a row.
pub fn view(row: voice_interviews::Model) -> VoiceInterviewView {
    VoiceInterviewView {
        id: row.id,
        application_id: row.application_id,
        conversation_id: row.conversation_id,
        status: row.status,
        transcript: row.transcript,
        evaluation: row.evaluation,
        has_recording: row.recording_key.is_some(),
        created_at: row.created_at,
        completed_at: row.completed_at,
        completed_via: row.completed_via,
    }
}

/// Calls the application's candidate (503 without ElevenLabs; 422 without a phone).
pub async fn dispatch(
    db: &DatabaseConnection,
    client: Option<&ElevenLabs>,
    platform_id: Uuid,
    actor: Uuid,
    application_id: Uuid,
) -> Result<VoiceInterviewView, HireError> {
    let app = pipeline::find(db, platform_id, application_id).await?;
    let client = client.ok_or_else(not_configured)?;
    let candidate = candidates::Entity::find_by_id(app.candidate_id)
        .one(db)
        .await?
        .ok_or(HireError::NotFound("candidate"))?;
    let phone = candidate
        .phone_canonical
        .ok_or_else(|| HireError::Invalid("phone", "the candidate has no phone number".into()))?;
    // numbers without a country code are Indian ones
    let to = if phone.starts_with('+') {
        phone
    } else {
        format!("+91{}", phone.trim_start_matches('0'))
    };
    let post = job_posts::Entity::find_by_id(app.post_id)
        .one(db)
        .await?
        .ok_or(HireError::NotFound("job post"))?;
    let conversation_id = client
        .outbound_call(
            &to,
            json!({"application_id": application_id, "job_title": post.title}),
        )
        .await?;
    let row = voice_interviews::ActiveModel {
        id: Set(Uuid::now_v7()),
        platform_id: Set(platform_id),
        application_id: Set(application_id),
        conversation_id: Set(conversation_id),
        status: Set(DISPATCHED.to_owned()),
        transcript: Set(None),
        evaluation: Set(None),
        recording_key: Set(None),
        dispatched_by: Set(Some(actor)),
        created_at: Set(Utc::now()),
        completed_at: Set(None),
        completed_via: Set(None),
        recording_pruned_at: Set(None),
    }
    .insert(db)
    .await?;
    tracing::info!(application = %application_id, interview = %row.id, "voice interview dispatched");
    Ok(view(row))
}

/// The application's voice interviews, oldest first.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    application_id: Uuid,
) -> Result<Vec<VoiceInterviewView>, HireError> {
    pipeline::find(conn, platform_id, application_id).await?;
    Ok(voice_interviews::Entity::find()
        .filter(voice_interviews::Column::PlatformId.eq(platform_id))
        .filter(voice_interviews::Column::ApplicationId.eq(application_id))
        .order_by_asc(voice_interviews::Column::CreatedAt)
        .all(conn)
        .await?
        .into_iter()
        .map(view)
        .collect())
}

/// Completes the interview of `conversation_id` from ElevenLabs' conversation data (the
/// webhook's `data` or the status API's answer). Answers whether this call completed it: an
/// unknown conversation or one already completed changes nothing (a second delivery is
/// recorded once). The recording is fetched and stored before the conditional update; a
/// lost race deletes the copy.
pub async fn complete(
    db: &DatabaseConnection,
    storage: &Storage,
    client: Option<&ElevenLabs>,
    conversation_id: &str,
    data: &Value,
    via: &str,
) -> Result<bool, HireError> {
    let Some(row) = voice_interviews::Entity::find()
        .filter(voice_interviews::Column::ConversationId.eq(conversation_id))
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    if row.status == COMPLETED {
        return Ok(false);
    }
    let erased = job_applications::Entity::find_by_id(row.application_id)
        .one(db)
        .await?
        .is_none_or(|a| a.erased_at.is_some());
    if erased {
        // the candidate was erased while the call ran: it ends, and nothing of it is kept
        completion(row.id, via).exec(db).await?;
        tracing::info!(interview = %row.id, via, "voice interview ended after erasure; nothing kept");
        return Ok(false);
    }
    let platform = kernel::tenant::entity::Entity::find_by_id(row.platform_id)
        .one(db)
        .await?
        .ok_or(HireError::NotFound("platform"))?;
    let mut recording_key = None;
    if let Some(client) = client {
        match client.audio(conversation_id).await {
            Ok(bytes) if !bytes.is_empty() => {
                let folder = keys::parse_folder("voice-interviews")
                    .map_err(|m| HireError::App(AppError::Unexpected(anyhow::anyhow!(m))))?;
                let key = ObjectKey::generate(
                    &platform.slug,
                    folder.as_ref(),
                    "recording.mp3",
                    Utc::now(),
                )?;
                storage.put(&key, bytes, "audio/mpeg").await?;
                recording_key = Some(key);
            }
            Ok(_) => {}
            // the transcript is what matters; the reconciler cannot fetch it later either
            Err(e) => {
                tracing::warn!(interview = %row.id, error = %e, "the recording could not be fetched")
            }
        }
    }
    let done = completion(row.id, via)
        .col_expr(
            voice_interviews::Column::Transcript,
            Expr::value(data["transcript"].clone()),
        )
        .col_expr(
            voice_interviews::Column::Evaluation,
            Expr::value(data["analysis"].clone()),
        )
        .col_expr(
            voice_interviews::Column::RecordingKey,
            Expr::value(recording_key.as_ref().map(ToString::to_string)),
        )
        // an erasure committed since the check above wins: nothing is written back
        .filter(
            voice_interviews::Column::ApplicationId.in_subquery(
                Query::select()
                    .column(job_applications::Column::Id)
                    .from(job_applications::Entity)
                    .and_where(job_applications::Column::ErasedAt.is_null())
                    .to_owned(),
            ),
        )
        .exec(db)
        .await?;
    if done.rows_affected == 0 {
        if let Some(key) = recording_key {
            storage.delete(&key).await?;
        }
        return Ok(false);
    }
    tracing::info!(interview = %row.id, via, "voice interview completed");
    Ok(true)
}

/// The update that marks interview `id` completed `via` the webhook or the sync, unless it
/// already is.
fn completion(id: Uuid, via: &str) -> sea_orm::UpdateMany<voice_interviews::Entity> {
    voice_interviews::Entity::update_many()
        .col_expr(voice_interviews::Column::Status, Expr::value(COMPLETED))
        .col_expr(
            voice_interviews::Column::CompletedAt,
            Expr::value(Utc::now()),
        )
        .col_expr(
            voice_interviews::Column::CompletedVia,
            Expr::value(via.to_owned()),
        )
        .filter(voice_interviews::Column::Id.eq(id))
        .filter(voice_interviews::Column::Status.ne(COMPLETED))
}

/// Asks ElevenLabs about dispatched calls older than `min_age` (at most 100 a run) and
/// completes or fails them; answers how many changed.
pub async fn reconcile(
    db: &DatabaseConnection,
    storage: &Storage,
    client: &ElevenLabs,
    min_age: Duration,
) -> Result<usize, HireError> {
    let pending = voice_interviews::Entity::find()
        .filter(voice_interviews::Column::Status.eq(DISPATCHED))
        .filter(voice_interviews::Column::CreatedAt.lte(Utc::now() - min_age))
        .order_by_asc(voice_interviews::Column::CreatedAt)
        .limit(100)
        .all(db)
        .await?;
    let mut changed = 0;
    for row in pending {
        let data = match client.conversation(&row.conversation_id).await {
            Ok(d) => d,
            Err(e) => {
                tracing::warn!(interview = %row.id, error = %e, "status of a call unavailable");
                continue;
            }
        };
        match data["status"].as_str() {
            Some("done") => {
                let completed = complete(
                    db,
                    storage,
                    Some(client),
                    &row.conversation_id,
                    &data,
                    "sync",
                )
                .await?;
                changed += usize::from(completed);
            }
            Some("failed") => {
                let res = voice_interviews::Entity::update_many()
                    .col_expr(voice_interviews::Column::Status, Expr::value(FAILED))
                    .filter(voice_interviews::Column::Id.eq(row.id))
                    .filter(voice_interviews::Column::Status.eq(DISPATCHED))
                    .exec(db)
                    .await?;
                changed += usize::try_from(res.rows_affected).unwrap_or(0);
            }
            _ => {}
        }
    }
    Ok(changed)
}

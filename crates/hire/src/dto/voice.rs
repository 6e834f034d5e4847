//! Bodies of voice interviews.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A voice interview (Aarya's call).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct VoiceInterviewView {
    /// Id.
    pub id: Uuid,
    /// The application.
    pub application_id: Uuid,
    /// ElevenLabs' conversation id.
    pub conversation_id: String,
    /// `dispatched`, `completed` or `failed`.
    pub status: String,
    /// The transcript (ElevenLabs' turns), once completed.
    #[schema(value_type = Option<Vec<Object>>)]
    pub transcript: Option<serde_json::Value>,
    /// ElevenLabs' analysis (evaluation criteria results, summary), once completed.
    #[schema(value_type = Option<Object>)]
    pub evaluation: Option<serde_json::Value>,
    /// Whether the recording is stored.
    pub has_recording: bool,
    /// Dispatched.
    pub created_at: DateTime<Utc>,
    /// Completed.
    pub completed_at: Option<DateTime<Utc>>,
    /// `webhook` or `sync`.
    pub completed_via: Option<String>,
}

/// The voice interviews of an application.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VoiceInterviewList {
    /// Oldest first.
    pub items: Vec<VoiceInterviewView>,
}

/// What the webhook answers.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = VoiceWebhookAck)]
pub struct WebhookAck {
    /// Always true once the signature checked out.
    pub received: bool,
}

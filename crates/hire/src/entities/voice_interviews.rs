//! `voice_interviews`: ElevenLabs (Aarya) calls of applications.

use sea_orm::entity::prelude::*;

/// A voice interview.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "voice_interviews")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// The application.
    pub application_id: Uuid,
    /// ElevenLabs' conversation id.
    pub conversation_id: String,
    /// `dispatched`, `completed` or `failed`.
    pub status: String,
    /// The transcript (ElevenLabs' turns).
    pub transcript: Option<Json>,
    /// ElevenLabs' analysis (evaluation criteria, data collected, summary).
    pub evaluation: Option<Json>,
    /// Storage key of the recording.
    pub recording_key: Option<String>,
    /// Who dispatched it.
    pub dispatched_by: Option<Uuid>,
    /// Dispatched.
    pub created_at: DateTimeUtc,
    /// Completed.
    pub completed_at: Option<DateTimeUtc>,
    /// `webhook` or `sync`.
    pub completed_via: Option<String>,
    /// When the recording was deleted by the retention prune.
    pub recording_pruned_at: Option<DateTimeUtc>,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

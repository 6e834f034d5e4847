//! `ozone_calls`: Miss Ozone's calls to students, a queue kept in the table.

use sea_orm::entity::prelude::*;

/// A call.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ozone_calls")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// The configuration.
    pub config_id: Uuid,
    /// The student called.
    pub user_id: Uuid,
    /// `queued`, `dialling`, `dispatched`, `completed`, `failed` or `cancelled`.
    pub status: String,
    /// Dials so far.
    pub attempts: i32,
    /// When a queued call is due.
    pub next_attempt_at: DateTimeUtc,
    /// The latest dial's ElevenLabs conversation.
    pub conversation_id: Option<String>,
    /// The transcript (until pruned).
    pub transcript: Option<Json>,
    /// ElevenLabs' analysis (until pruned).
    pub evaluation: Option<Json>,
    /// Why the last dial failed.
    pub last_error: Option<String>,
    /// Who queued it.
    pub requested_by: Option<Uuid>,
    /// Queued.
    pub created_at: DateTimeUtc,
    /// Last change.
    pub updated_at: DateTimeUtc,
    /// The latest dial that reached ElevenLabs.
    pub dispatched_at: Option<DateTimeUtc>,
    /// Completed.
    pub completed_at: Option<DateTimeUtc>,
    /// `webhook` or `sync`.
    pub completed_via: Option<String>,
    /// When the transcript and evaluation were pruned.
    pub pruned_at: Option<DateTimeUtc>,
    /// The call's length in seconds (ElevenLabs' `call_duration_secs`), once completed.
    pub duration_secs: Option<i32>,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

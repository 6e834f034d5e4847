//! Bodies of the workflow engine.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::entities::Stage;

/// What starts a workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum TriggerEvent {
    /// A new lead arrived.
    #[serde(rename = "lead.created")]
    LeadCreated,
    /// A lead moved to another stage.
    #[serde(rename = "lead.stage_changed")]
    LeadStageChanged,
}

impl TriggerEvent {
    /// The event name.
    pub fn as_str(self) -> &'static str {
        match self {
            TriggerEvent::LeadCreated => "lead.created",
            TriggerEvent::LeadStageChanged => "lead.stage_changed",
        }
    }
}

/// A trigger: an event, and for stage changes optionally the stage entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Trigger {
    /// The event.
    pub event: TriggerEvent,
    /// Only when the lead entered this stage (`lead.stage_changed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<Stage>,
}

/// One step of a workflow; `id` is unique in the workflow (`[a-z0-9_-]`, 1-32).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Step {
    /// Sends an approved WhatsApp template to the lead's phone (through comms' queue).
    SendWhatsapp {
        /// Step id.
        id: String,
        /// Approved template name.
        template: String,
        /// Template language (default `en`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        language: Option<String>,
    },
    /// Moves the lead to a stage (publishes `lead.stage_changed`, one level deeper).
    SetStage {
        /// Step id.
        id: String,
        /// The stage.
        stage: Stage,
    },
    /// Sets a follow-up task for the lead's owner.
    CreateTask {
        /// Step id.
        id: String,
        /// What.
        title: String,
        /// Due this many minutes after the step runs (0-525600).
        due_in_minutes: i64,
    },
}

impl Step {
    /// The step's id.
    pub fn id(&self) -> &str {
        match self {
            Step::SendWhatsapp { id, .. }
            | Step::SetStage { id, .. }
            | Step::CreateTask { id, .. } => id,
        }
    }

    /// The step's kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Step::SendWhatsapp { .. } => "send_whatsapp",
            Step::SetStage { .. } => "set_stage",
            Step::CreateTask { .. } => "create_task",
        }
    }
}

/// A new workflow (a draft until published).
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct NewWorkflow {
    /// Name, unique on the platform.
    #[validate(length(min = 1, max = 120))]
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    /// What starts it.
    pub trigger: Trigger,
    /// The steps, in order (1-20).
    #[validate(length(min = 1, max = 20))]
    #[schema(min_items = 1, max_items = 20)]
    pub steps: Vec<Step>,
}

/// A new draft of a workflow's trigger and steps (runs keep the version they started on).
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct WorkflowDraft {
    /// What starts it.
    pub trigger: Trigger,
    /// The steps, in order (1-20).
    #[validate(length(min = 1, max = 20))]
    #[schema(min_items = 1, max_items = 20)]
    pub steps: Vec<Step>,
}

/// A workflow with its draft.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WorkflowDto {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// The draft's trigger.
    pub trigger: Trigger,
    /// The draft's steps.
    pub steps: Vec<Step>,
    /// The live version (null until published).
    pub current_version: Option<i32>,
    /// Created.
    pub created_at: DateTime<Utc>,
}

/// A published, immutable version.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct VersionDto {
    /// The workflow.
    pub workflow_id: Uuid,
    /// 1, 2, …
    pub version: i32,
    /// Trigger.
    pub trigger: Trigger,
    /// Steps.
    pub steps: Vec<Step>,
    /// Published.
    pub published_at: DateTime<Utc>,
}

/// A step of a run.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RunStepDto {
    /// Step id.
    pub step_id: String,
    /// Position in the version.
    pub position: i32,
    /// Kind.
    pub kind: String,
    /// `running`, `done`, `failed`.
    pub status: String,
    /// Attempts so far.
    pub attempts: i32,
    /// What it did (ids only).
    #[schema(value_type = Option<Object>)]
    pub output: Option<serde_json::Value>,
    /// Why it failed.
    pub error: Option<String>,
}

/// A step queued again (a retry).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RunQueued {
    /// The run.
    pub run_id: Uuid,
    /// The step queued.
    pub step_id: String,
}

/// A run, pinned to the version that started it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RunDto {
    /// Id.
    pub id: Uuid,
    /// The version it runs.
    pub version: i32,
    /// The lead.
    pub lead_id: Uuid,
    /// How many workflow steps led to this run (0: a person or a vendor started it).
    pub depth: i32,
    /// `running`, `completed`, `failed`, `cancelled`.
    pub status: String,
    /// Why it failed (the depth guard, a step's last error).
    pub error: Option<String>,
    /// Started.
    pub created_at: DateTime<Utc>,
    /// Finished.
    pub finished_at: Option<DateTime<Utc>>,
    /// Its steps so far.
    pub steps: Vec<RunStepDto>,
}

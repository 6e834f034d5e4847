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

/// The kinds of steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// Sends an approved WhatsApp template to the lead's phone.
    SendWhatsapp,
    /// Moves the lead to a stage.
    SetStage,
    /// Sets a follow-up task for the lead's owner.
    CreateTask,
}

/// One step as the API documents it: `kind` says which other fields it takes
/// (`send_whatsapp`: `template`, `language?`; `set_stage`: `stage`; `create_task`: `title`,
/// `due_in_minutes`); a missing one is 422 on `steps`. The id is unique in the workflow
/// (`[a-z0-9_-]`, 1-32).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StepDef {
    /// What the step does.
    pub kind: StepKind,
    /// Step id.
    #[schema(min_length = 1, max_length = 32)]
    pub id: String,
    /// `send_whatsapp`: an approved template's name.
    #[schema(min_length = 1, max_length = 512)]
    pub template: Option<String>,
    /// `send_whatsapp`: the template's language (default `en`).
    #[schema(min_length = 2, max_length = 15)]
    pub language: Option<String>,
    /// `set_stage`: the stage.
    pub stage: Option<Stage>,
    /// `create_task`: what.
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    /// `create_task`: due this many minutes after the step runs.
    #[schema(minimum = 0, maximum = 525_600)]
    pub due_in_minutes: Option<i64>,
}

/// One step of a workflow, as stored and run (the JSON of [`StepDef`], one variant per
/// kind).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

impl StepDef {
    /// The step as run, or why not (422 on `steps`): every field given is within its limits,
    /// whatever the kind, and the kind's own fields are there.
    pub fn to_step(&self) -> Result<Step, String> {
        let id = self.id.trim();
        if id.is_empty()
            || id.len() > 32
            || !id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
        {
            return Err(format!(
                "step id {:?} must be 1-32 of a-z, 0-9, _ and -",
                self.id
            ));
        }
        let within = |v: &Option<String>, min: usize, max: usize| {
            v.as_ref().is_none_or(|v| {
                let n = v.chars().count();
                (min..=max).contains(&n) && !v.contains('\0')
            })
        };
        if !within(&self.template, 1, 512) {
            return Err(format!("step {id}: a template name is 1-512 characters"));
        }
        if !within(&self.language, 2, 15) {
            return Err(format!("step {id}: a language code is 2-15 characters"));
        }
        if !within(&self.title, 1, 200) {
            return Err(format!("step {id}: a task title is 1-200 characters"));
        }
        if self
            .due_in_minutes
            .is_some_and(|m| !(0..=525_600).contains(&m))
        {
            return Err(format!("step {id}: due_in_minutes is 0-525600"));
        }
        let need = |what: &str| format!("step {id}: a {} step needs `{what}`", self.kind_name());
        Ok(match self.kind {
            StepKind::SendWhatsapp => Step::SendWhatsapp {
                id: id.to_owned(),
                template: self.template.clone().ok_or_else(|| need("template"))?,
                language: self.language.clone(),
            },
            StepKind::SetStage => Step::SetStage {
                id: id.to_owned(),
                stage: self.stage.ok_or_else(|| need("stage"))?,
            },
            StepKind::CreateTask => Step::CreateTask {
                id: id.to_owned(),
                title: self.title.clone().ok_or_else(|| need("title"))?,
                due_in_minutes: self.due_in_minutes.ok_or_else(|| need("due_in_minutes"))?,
            },
        })
    }

    fn kind_name(&self) -> &'static str {
        match self.kind {
            StepKind::SendWhatsapp => "send_whatsapp",
            StepKind::SetStage => "set_stage",
            StepKind::CreateTask => "create_task",
        }
    }
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
    /// The steps, in order (1-20), each shaped as [`StepDef`] (`{kind, id, …}`; the kind says
    /// which other fields it takes, checked by the server: 422 on `steps`).
    #[validate(length(min = 1, max = 20))]
    #[schema(value_type = Vec<Object>, min_items = 1, max_items = 20)]
    pub steps: Vec<StepDef>,
}

/// A new draft of a workflow's trigger and steps (runs keep the version they started on).
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct WorkflowDraft {
    /// What starts it.
    pub trigger: Trigger,
    /// The steps, in order (1-20), each shaped as [`StepDef`] (`{kind, id, …}`; the kind says
    /// which other fields it takes, checked by the server: 422 on `steps`).
    #[validate(length(min = 1, max = 20))]
    #[schema(value_type = Vec<Object>, min_items = 1, max_items = 20)]
    pub steps: Vec<StepDef>,
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
    #[schema(value_type = Vec<StepDef>)]
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
    #[schema(value_type = Vec<StepDef>)]
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

#[cfg(test)]
mod tests {
    use super::*;

    fn def(v: serde_json::Value) -> StepDef {
        serde_json::from_value(v).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_step_needs_its_kinds_fields_and_every_given_field_within_limits() {
        let ok = def(serde_json::json!({"kind": "send_whatsapp", "id": "greet", "template": "t1"}));
        assert_eq!(
            ok.to_step(),
            Ok(Step::SendWhatsapp {
                id: "greet".into(),
                template: "t1".into(),
                language: None
            })
        );
        for bad in [
            serde_json::json!({"kind": "send_whatsapp", "id": "greet"}),
            serde_json::json!({"kind": "set_stage", "id": "s"}),
            serde_json::json!({"kind": "create_task", "id": "t", "title": "Call"}),
            serde_json::json!({"kind": "send_whatsapp", "id": "g", "template": "t", "title": ""}),
            serde_json::json!({"kind": "set_stage", "id": "Bad Id", "stage": "won"}),
            serde_json::json!({"kind": "create_task", "id": "t", "title": "x", "due_in_minutes": -1}),
        ] {
            assert!(def(bad.clone()).to_step().is_err(), "{bad}");
        }
    }
}

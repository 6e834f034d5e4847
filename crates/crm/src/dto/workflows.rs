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
    /// A workflow's `update_field` step changed one of the lead's fields.
    #[serde(rename = "lead.field_changed")]
    LeadFieldChanged,
    /// A capture or marketing form was submitted (a new lead or a repeat).
    #[serde(rename = "lead.form_submitted")]
    LeadFormSubmitted,
    /// `minutes` after the lead was created, or entered its current stage (`since`); found by
    /// the 5-minute trigger scan.
    #[serde(rename = "time_since")]
    TimeSince,
    /// Every `minutes` (at least 5), for each open lead (optionally in `stage`); the 5-minute
    /// trigger scan claims each period once.
    #[serde(rename = "schedule")]
    Schedule,
}

impl TriggerEvent {
    /// The event name.
    pub fn as_str(self) -> &'static str {
        match self {
            TriggerEvent::LeadCreated => "lead.created",
            TriggerEvent::LeadStageChanged => "lead.stage_changed",
            TriggerEvent::LeadFieldChanged => "lead.field_changed",
            TriggerEvent::LeadFormSubmitted => "lead.form_submitted",
            TriggerEvent::TimeSince => "time_since",
            TriggerEvent::Schedule => "schedule",
        }
    }
}

/// What a `time_since` trigger counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SinceEvent {
    /// The lead's creation.
    Created,
    /// The lead's entry into its current stage (optionally only `stage`).
    StageEntered,
}

/// A lead field a step writes or a condition reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LeadField {
    /// Campaign.
    Campaign,
    /// Course asked about.
    Course,
    /// Preferred language.
    Language,
    /// Region.
    Region,
}

impl LeadField {
    /// The column.
    pub fn column(self) -> &'static str {
        match self {
            LeadField::Campaign => "campaign",
            LeadField::Course => "course",
            LeadField::Language => "language",
            LeadField::Region => "region",
        }
    }

    /// Longest value.
    pub fn max_len(self) -> usize {
        match self {
            LeadField::Campaign | LeadField::Course => 120,
            LeadField::Language => 40,
            LeadField::Region => 80,
        }
    }
}

/// A trigger: an event and its filters. `stage` filters `lead.stage_changed`, `time_since`
/// (`since: stage_entered`) and `schedule`; `field` filters `lead.field_changed`; `form`
/// filters `lead.form_submitted`; `since` and `minutes` make `time_since`; `minutes` is the
/// period of `schedule`. `debounce_minutes` coalesces: no second run of the workflow for the
/// same lead within that many minutes of the last one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Trigger {
    /// The event.
    pub event: TriggerEvent,
    /// Only when the lead entered (or is in) this stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<Stage>,
    /// `lead.field_changed`: only this field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<LeadField>,
    /// `lead.form_submitted`: only this form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1, max_length = 64)]
    pub form: Option<String>,
    /// `time_since`: what it counts from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<SinceEvent>,
    /// `time_since`: minutes after the event (1-525600); `schedule`: the period (5-525600).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 525_600)]
    pub minutes: Option<i64>,
    /// No second run for the same lead within this many minutes (0-10080).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 10_080)]
    pub debounce_minutes: Option<i64>,
}

impl Trigger {
    /// A trigger on `event` with no filter.
    pub fn on(event: TriggerEvent) -> Self {
        Self {
            event,
            stage: None,
            field: None,
            form: None,
            since: None,
            minutes: None,
            debounce_minutes: None,
        }
    }

    /// What JSON Schema cannot say: which filters go with which event, and their limits.
    pub fn check(&self) -> Result<(), String> {
        use TriggerEvent as E;
        let e = self.event;
        if self.stage.is_some() && !matches!(e, E::LeadStageChanged | E::TimeSince | E::Schedule) {
            return Err("a stage is given for lead.stage_changed, time_since or schedule".into());
        }
        if self.stage.is_some() && e == E::TimeSince && self.since != Some(SinceEvent::StageEntered)
        {
            return Err("a time_since stage needs since: stage_entered".into());
        }
        if self.field.is_some() && e != E::LeadFieldChanged {
            return Err("a field is given for lead.field_changed only".into());
        }
        if self.form.is_some() && e != E::LeadFormSubmitted {
            return Err("a form is given for lead.form_submitted only".into());
        }
        if let Some(form) = &self.form
            && (form.trim().is_empty() || form.chars().count() > 64 || form.contains('\0'))
        {
            return Err("a form name is 1-64 characters".into());
        }
        if (self.since.is_some()) != (e == E::TimeSince) {
            return Err("since is given for time_since, and time_since needs it".into());
        }
        match (e, self.minutes) {
            (E::TimeSince, Some(m)) if (1..=525_600).contains(&m) => {}
            (E::Schedule, Some(m)) if (5..=525_600).contains(&m) => {}
            (E::TimeSince, _) => return Err("time_since needs minutes 1-525600".into()),
            (E::Schedule, _) => return Err("schedule needs minutes 5-525600".into()),
            (_, Some(_)) => return Err("minutes is given for time_since and schedule".into()),
            (_, None) => {}
        }
        if self
            .debounce_minutes
            .is_some_and(|m| !(0..=10_080).contains(&m))
        {
            return Err("debounce_minutes is 0-10080".into());
        }
        Ok(())
    }
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
    /// Waits `minutes`, or until `until`, then goes on with the next step.
    Wait,
    /// Goes to `then_goto` when `condition` holds, else to `else_goto` (a later step or
    /// `end`; absent: the next step).
    Branch,
    /// Sets one of the lead's fields (`lead.field_changed`, one level deeper).
    UpdateField,
    /// Sends an email (`subject`, `body`) to the lead.
    SendEmail,
    /// POSTs the run's ids to `url` (public addresses only).
    HttpWebhook,
    /// Has the LLM gateway write a message from `instruction`, sent by `channel`.
    LlmMessage,
}

/// The comparison of a condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConditionOp {
    /// Equal to `value` (case-insensitive).
    Eq,
    /// Not equal to `value`.
    Ne,
    /// Contains `value` (case-insensitive).
    Contains,
    /// Has a value.
    IsSet,
    /// Has none.
    IsNotSet,
    /// A number at least `value`.
    Gte,
}

/// What a condition reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConditionField {
    /// Stage.
    Stage,
    /// First source.
    Source,
    /// Campaign.
    Campaign,
    /// Capture form.
    Form,
    /// Course.
    Course,
    /// Language.
    Language,
    /// Region.
    Region,
    /// Email (whether there is one).
    Email,
    /// Owner (whether there is one).
    Owner,
    /// Re-inquiries (a number).
    Reinquiries,
}

/// A condition on the lead, read when the step runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Condition {
    /// What it reads.
    pub field: ConditionField,
    /// How it compares.
    pub op: ConditionOp,
    /// The value compared with (not for `is_set`/`is_not_set`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1, max_length = 200)]
    pub value: Option<String>,
}

/// How an LLM-written message goes out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MessageChannel {
    /// A note on the lead's timeline for the agent to use.
    Note,
    /// An email to the lead.
    Email,
    /// A WhatsApp text (only inside the 24-hour window).
    Whatsapp,
}

/// One step as the API takes it: `kind` says which other fields it takes
/// (`send_whatsapp`: `template`, `language?`; `set_stage`: `stage`; `create_task`: `title`,
/// `due_in_minutes`; `wait`: `minutes` or `until`; `branch`: `condition`, `then_goto?`,
/// `else_goto?`; `update_field`: `field`, `value?`; `send_email`: `subject`, `body`;
/// `http_webhook`: `url`; `llm_message`: `instruction`, `channel`); a missing one is 422 on
/// `steps`. The id is unique in the workflow (`[a-z0-9_-]`, 1-32).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StepDef {
    /// What the step does.
    pub kind: StepKind,
    /// Step id.
    #[schema(min_length = 1, max_length = 32, pattern = "^[a-z0-9_-]{1,32}$")]
    pub id: String,
    /// `send_whatsapp`: an approved template's name.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 512)]
    pub template: Option<String>,
    /// `send_whatsapp`: the template's language (default `en`).
    #[serde(default)]
    #[schema(min_length = 2, max_length = 15)]
    pub language: Option<String>,
    /// `set_stage`: the stage.
    #[serde(default)]
    pub stage: Option<Stage>,
    /// `create_task`: what.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    /// `create_task`: due this many minutes after the step runs.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 525_600)]
    pub due_in_minutes: Option<i64>,
    /// `wait`: this many minutes.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 525_600)]
    pub minutes: Option<i64>,
    /// `wait`: until this time (a past time goes on at once).
    #[serde(default)]
    pub until: Option<DateTime<Utc>>,
    /// `branch`: the condition.
    #[serde(default)]
    pub condition: Option<Condition>,
    /// `branch`: where to go when it holds (a later step id, or `end`).
    #[serde(default)]
    #[schema(min_length = 1, max_length = 32)]
    pub then_goto: Option<String>,
    /// `branch`: where to go when it does not.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 32)]
    pub else_goto: Option<String>,
    /// `update_field`: the field.
    #[serde(default)]
    pub field: Option<LeadField>,
    /// `update_field`: the new value (absent: cleared).
    #[serde(default)]
    #[schema(min_length = 1, max_length = 120)]
    pub value: Option<String>,
    /// `send_email`: subject.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 200)]
    pub subject: Option<String>,
    /// `send_email`: body (plain text).
    #[serde(default)]
    #[schema(min_length = 1, max_length = 5000)]
    pub body: Option<String>,
    /// `http_webhook`: an `http(s)` URL on a public address.
    #[serde(default)]
    #[schema(min_length = 8, max_length = 2000)]
    pub url: Option<String>,
    /// `llm_message`: what the message should say.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 2000)]
    pub instruction: Option<String>,
    /// `llm_message`: how it goes out.
    #[serde(default)]
    pub channel: Option<MessageChannel>,
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
    /// Waits, then the next step runs as a delayed job (never from the start).
    Wait {
        /// Step id.
        id: String,
        /// Minutes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        minutes: Option<i64>,
        /// Or until.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        until: Option<DateTime<Utc>>,
    },
    /// Chooses the next step.
    Branch {
        /// Step id.
        id: String,
        /// The condition.
        condition: Condition,
        /// Next when it holds (a later step id or `end`; none: the next step).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        then_goto: Option<String>,
        /// Next when it does not.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        else_goto: Option<String>,
    },
    /// Sets a lead field.
    UpdateField {
        /// Step id.
        id: String,
        /// Field.
        field: LeadField,
        /// Value (none: cleared).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<String>,
    },
    /// Emails the lead (comms' `generic` template).
    SendEmail {
        /// Step id.
        id: String,
        /// Subject.
        subject: String,
        /// Body.
        body: String,
    },
    /// POSTs `{workflow_id, run_id, step_id, lead_id, stage}` to a public URL.
    HttpWebhook {
        /// Step id.
        id: String,
        /// URL.
        url: String,
    },
    /// A message written by the LLM gateway (`workflow_text` agent).
    LlmMessage {
        /// Step id.
        id: String,
        /// What it should say.
        instruction: String,
        /// How it goes out.
        channel: MessageChannel,
    },
}

/// The step id a branch may name to end the run.
pub const END: &str = "end";

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 32
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

impl StepDef {
    /// The step as run, or why not (422 on `steps`): every field given is within its limits,
    /// whatever the kind, and the kind's own fields are there.
    pub fn to_step(&self) -> Result<Step, String> {
        let id = self.id.trim();
        if !valid_id(id) {
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
        for (v, min, max, what) in [
            (
                &self.template,
                1,
                512,
                "a template name is 1-512 characters",
            ),
            (&self.language, 2, 15, "a language code is 2-15 characters"),
            (&self.title, 1, 200, "a task title is 1-200 characters"),
            (&self.then_goto, 1, 32, "then_goto is 1-32 characters"),
            (&self.else_goto, 1, 32, "else_goto is 1-32 characters"),
            (&self.value, 1, 120, "a value is 1-120 characters"),
            (&self.subject, 1, 200, "a subject is 1-200 characters"),
            (&self.body, 1, 5000, "a body is 1-5000 characters"),
            (&self.url, 8, 2000, "a URL is 8-2000 characters"),
            (
                &self.instruction,
                1,
                2000,
                "an instruction is 1-2000 characters",
            ),
        ] {
            if !within(v, min, max) {
                return Err(format!("step {id}: {what}"));
            }
        }
        if self
            .due_in_minutes
            .is_some_and(|m| !(0..=525_600).contains(&m))
        {
            return Err(format!("step {id}: due_in_minutes is 0-525600"));
        }
        if self.minutes.is_some_and(|m| !(1..=525_600).contains(&m)) {
            return Err(format!("step {id}: minutes is 1-525600"));
        }
        if let Some(c) = &self.condition {
            let n = c.value.as_ref().map_or(0, |v| v.chars().count());
            let needs_value = !matches!(c.op, ConditionOp::IsSet | ConditionOp::IsNotSet);
            if needs_value && (n == 0 || n > 200) {
                return Err(format!(
                    "step {id}: the condition's value is 1-200 characters"
                ));
            }
            if c.value.as_ref().is_some_and(|v| v.contains('\0')) {
                return Err(format!("step {id}: the condition's value has a NUL"));
            }
            if c.op == ConditionOp::Gte
                && c.value
                    .as_ref()
                    .is_some_and(|v| v.trim().parse::<i64>().is_err())
            {
                return Err(format!("step {id}: gte compares with a whole number"));
            }
        }
        if let (Some(field), Some(v)) = (self.field, &self.value)
            && v.chars().count() > field.max_len()
        {
            return Err(format!(
                "step {id}: a {} is at most {} characters",
                field.column(),
                field.max_len()
            ));
        }
        let need = |what: &str| format!("step {id}: a {} step needs `{what}`", self.kind_name());
        let id = id.to_owned();
        Ok(match self.kind {
            StepKind::SendWhatsapp => Step::SendWhatsapp {
                id,
                template: self.template.clone().ok_or_else(|| need("template"))?,
                language: self.language.clone(),
            },
            StepKind::SetStage => Step::SetStage {
                id,
                stage: self.stage.ok_or_else(|| need("stage"))?,
            },
            StepKind::CreateTask => Step::CreateTask {
                id,
                title: self.title.clone().ok_or_else(|| need("title"))?,
                due_in_minutes: self.due_in_minutes.ok_or_else(|| need("due_in_minutes"))?,
            },
            StepKind::Wait => {
                if self.minutes.is_some() == self.until.is_some() {
                    return Err(need("minutes` or `until"));
                }
                Step::Wait {
                    id,
                    minutes: self.minutes,
                    until: self.until,
                }
            }
            StepKind::Branch => Step::Branch {
                id,
                condition: self.condition.clone().ok_or_else(|| need("condition"))?,
                then_goto: self.then_goto.clone(),
                else_goto: self.else_goto.clone(),
            },
            StepKind::UpdateField => Step::UpdateField {
                id,
                field: self.field.ok_or_else(|| need("field"))?,
                value: self.value.clone(),
            },
            StepKind::SendEmail => Step::SendEmail {
                id,
                subject: self.subject.clone().ok_or_else(|| need("subject"))?,
                body: self.body.clone().ok_or_else(|| need("body"))?,
            },
            StepKind::HttpWebhook => Step::HttpWebhook {
                id,
                url: self.url.clone().ok_or_else(|| need("url"))?,
            },
            StepKind::LlmMessage => Step::LlmMessage {
                id,
                instruction: self
                    .instruction
                    .clone()
                    .ok_or_else(|| need("instruction"))?,
                channel: self.channel.ok_or_else(|| need("channel"))?,
            },
        })
    }

    fn kind_name(&self) -> &'static str {
        match self.kind {
            StepKind::SendWhatsapp => "send_whatsapp",
            StepKind::SetStage => "set_stage",
            StepKind::CreateTask => "create_task",
            StepKind::Wait => "wait",
            StepKind::Branch => "branch",
            StepKind::UpdateField => "update_field",
            StepKind::SendEmail => "send_email",
            StepKind::HttpWebhook => "http_webhook",
            StepKind::LlmMessage => "llm_message",
        }
    }
}

impl Step {
    /// The step's id.
    pub fn id(&self) -> &str {
        match self {
            Step::SendWhatsapp { id, .. }
            | Step::SetStage { id, .. }
            | Step::CreateTask { id, .. }
            | Step::Wait { id, .. }
            | Step::Branch { id, .. }
            | Step::UpdateField { id, .. }
            | Step::SendEmail { id, .. }
            | Step::HttpWebhook { id, .. }
            | Step::LlmMessage { id, .. } => id,
        }
    }

    /// The step's kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Step::SendWhatsapp { .. } => "send_whatsapp",
            Step::SetStage { .. } => "set_stage",
            Step::CreateTask { .. } => "create_task",
            Step::Wait { .. } => "wait",
            Step::Branch { .. } => "branch",
            Step::UpdateField { .. } => "update_field",
            Step::SendEmail { .. } => "send_email",
            Step::HttpWebhook { .. } => "http_webhook",
            Step::LlmMessage { .. } => "llm_message",
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
    /// The steps, in order (1-20): `{kind, id, …}`, the kind saying which other fields it
    /// takes (checked by the server: 422 on `steps`).
    #[validate(length(min = 1, max = 20))]
    #[schema(min_items = 1, max_items = 20)]
    pub steps: Vec<StepDef>,
}

/// A new draft of a workflow's trigger and steps (runs keep the version they started on).
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct WorkflowDraft {
    /// What starts it.
    pub trigger: Trigger,
    /// The steps, in order (1-20): `{kind, id, …}`, the kind saying which other fields it
    /// takes (checked by the server: 422 on `steps`).
    #[validate(length(min = 1, max = 20))]
    #[schema(min_items = 1, max_items = 20)]
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
#[schema(as = WorkflowRunQueued)]
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

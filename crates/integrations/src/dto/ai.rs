//! `POST /api/ai/complete`, `GET /api/admin/ai-calls` and `GET /api/admin/ai-usage` bodies.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::{
    entities::{
        ai_calls,
        kinds::{Agent, Outcome, ProviderName},
    },
    service::{
        calls::{AgentUsage, MonthUsage},
        complete::Completion,
    },
};

fn recorded_agent_name(name: &str) -> Result<(), validator::ValidationError> {
    match Agent::parse_recorded(name) {
        Some(_) => Ok(()),
        None => Err(validator::ValidationError::new("agent").with_message(
            "must be one of resume_screening, course_plan, student_profile_summary, workflow_text, proxy"
                .into(),
        )),
    }
}

fn agent_name(name: &str) -> Result<(), validator::ValidationError> {
    match Agent::parse(name) {
        Some(_) => Ok(()),
        None => Err(validator::ValidationError::new("agent").with_message(
            "must be one of resume_screening, course_plan, student_profile_summary, workflow_text"
                .into(),
        )),
    }
}

/// The agents that can be called and configured (every [`Agent`] but the credential proxy's
/// record-only `proxy`): the OpenAPI schema of `agent` in requests and paths.
/// (Schema only: requests carry the name as text, parsed by `Agent::parse`.)
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConfigurableAgent {
    /// Scores a resume against a job (Mr. Hire).
    ResumeScreening,
    /// Drafts a course plan (LMS).
    CoursePlan,
    /// Summarises a student's profile for mentors and sales.
    StudentProfileSummary,
    /// Writes the text of a workflow step (CRM).
    WorkflowText,
}

fn input_size(input: &Value) -> Result<(), validator::ValidationError> {
    if input.to_string().len() <= 100_000 {
        Ok(())
    } else {
        Err(validator::ValidationError::new("input")
            .with_message("must be at most 100000 characters as JSON".into()))
    }
}

/// A call of an agent.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct CompleteRequest {
    /// The agent to run.
    #[validate(custom(function = "agent_name"))]
    #[schema(value_type = ConfigurableAgent)]
    pub agent: String,
    /// What the prompt's `{{input}}` placeholders are filled with (a string or an object),
    /// at most 100000 characters as JSON.
    #[validate(custom(function = "input_size"))]
    #[schema(value_type = Value)]
    pub input: Value,
    /// A JSON schema the answer must satisfy (subset: `type`, `properties`, `required`,
    /// `additionalProperties: false`, `items`, `enum`, length and range bounds); the answer
    /// is then returned parsed in `output`.
    #[schema(value_type = Option<Object>)]
    pub schema: Option<Value>,
}

/// An agent's answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CompleteResponse {
    /// The provider that answered.
    pub provider: ProviderName,
    /// Its model.
    pub model: String,
    /// The prompt version used.
    pub prompt_version: String,
    /// The answer's text.
    pub text: String,
    /// The parsed answer (when a schema was given).
    #[schema(value_type = Option<Value>)]
    pub output: Option<Value>,
    /// Input tokens.
    pub tokens_in: i64,
    /// Output tokens.
    pub tokens_out: i64,
    /// Cost of the answering attempt, paise.
    pub cost_paise: i64,
}

impl From<Completion> for CompleteResponse {
    fn from(c: Completion) -> Self {
        Self {
            provider: c.provider,
            model: c.model,
            prompt_version: c.prompt_version,
            text: c.text,
            output: c.output,
            tokens_in: c.tokens_in,
            tokens_out: c.tokens_out,
            cost_paise: c.cost_paise,
        }
    }
}

/// Filters of the call list (newest first).
#[derive(Debug, Clone, Default, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallFilter {
    /// Only this agent's calls.
    #[validate(custom(function = "recorded_agent_name"))]
    #[param(value_type = Option<Agent>, inline)]
    pub agent: Option<String>,
    /// Page size, 1-100 (default 20).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    #[validate(length(max = 2048))]
    #[param(max_length = 2048)]
    pub cursor: Option<String>,
}

/// One recorded attempt.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = AiCallDto)]
pub struct CallDto {
    /// Id.
    pub id: Uuid,
    /// Agent.
    pub agent: Agent,
    /// Provider.
    pub provider: ProviderName,
    /// Model.
    pub model: String,
    /// Prompt version.
    pub prompt_version: String,
    /// Input tokens.
    pub tokens_in: i64,
    /// Output tokens.
    pub tokens_out: i64,
    /// Latency, ms.
    pub latency_ms: i64,
    /// Cost, paise.
    pub cost_paise: i64,
    /// How it ended.
    pub outcome: Outcome,
    /// The request that made it.
    pub request_id: Option<String>,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl From<ai_calls::Model> for CallDto {
    fn from(m: ai_calls::Model) -> Self {
        Self {
            id: m.id,
            agent: m.agent,
            provider: m.provider,
            model: m.model,
            prompt_version: m.prompt_version,
            tokens_in: m.tokens_in,
            tokens_out: m.tokens_out,
            latency_ms: m.latency_ms,
            cost_paise: m.cost_paise,
            outcome: m.outcome,
            request_id: m.request_id,
            created_at: m.created_at,
        }
    }
}

/// Which month to sum.
#[derive(Debug, Clone, Default, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UsageQuery {
    /// `YYYY-MM` (default: the current month, UTC).
    #[validate(length(equal = 7))]
    #[param(
        min_length = 7,
        max_length = 7,
        pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
    )]
    pub month: Option<String>,
}

/// One agent's month.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgentUsageDto {
    /// Agent.
    pub agent: String,
    /// Attempts.
    pub calls: i64,
    /// Attempts that answered.
    pub ok_calls: i64,
    /// Input tokens.
    pub tokens_in: i64,
    /// Output tokens.
    pub tokens_out: i64,
    /// Cost, paise.
    pub cost_paise: i64,
}

impl From<AgentUsage> for AgentUsageDto {
    fn from(u: AgentUsage) -> Self {
        Self {
            agent: u.agent,
            calls: u.calls,
            ok_calls: u.ok_calls,
            tokens_in: u.tokens_in,
            tokens_out: u.tokens_out,
            cost_paise: u.cost_paise,
        }
    }
}

/// A month's LLM cost per agent (finance's pipeline cost).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UsageDto {
    /// `YYYY-MM`.
    pub month: String,
    /// First instant of the month (UTC).
    pub from: DateTime<Utc>,
    /// First instant of the next month.
    pub to: DateTime<Utc>,
    /// The platform's monthly budget, paise.
    pub budget_paise: i64,
    /// Total cost, paise.
    pub total_cost_paise: i64,
    /// Per agent.
    pub agents: Vec<AgentUsageDto>,
}

impl From<MonthUsage> for UsageDto {
    fn from(u: MonthUsage) -> Self {
        Self {
            month: u.from.format("%Y-%m").to_string(),
            from: u.from,
            to: u.to,
            budget_paise: u.budget_paise,
            total_cost_paise: u.agents.iter().map(|a| a.cost_paise).sum(),
            agents: u.agents.into_iter().map(Into::into).collect(),
        }
    }
}

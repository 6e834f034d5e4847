//! The closed sets stored as text: agents, providers, call outcomes (each matches its
//! column's `CHECK`).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An AI agent: one use of the gateway, with its own provider list.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
    ToSchema,
)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "snake_case")]
pub enum Agent {
    /// Scores a resume against a job (Mr. Hire).
    #[sea_orm(string_value = "resume_screening")]
    ResumeScreening,
    /// Drafts a course plan (LMS).
    #[sea_orm(string_value = "course_plan")]
    CoursePlan,
    /// Summarises a student's profile.
    #[sea_orm(string_value = "student_profile_summary")]
    StudentProfileSummary,
    /// Writes text for CRM workflows.
    #[sea_orm(string_value = "workflow_text")]
    WorkflowText,
    /// The credential proxy (`POST /api/credential-proxy/{provider}`): recorded and
    /// budgeted, not configurable (not in [`Agent::ALL`]).
    #[sea_orm(string_value = "proxy")]
    Proxy,
}

impl Agent {
    /// Every configurable agent (not [`Agent::Proxy`]).
    pub const ALL: [Agent; 4] = [
        Agent::ResumeScreening,
        Agent::CoursePlan,
        Agent::StudentProfileSummary,
        Agent::WorkflowText,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Agent::ResumeScreening => "resume_screening",
            Agent::CoursePlan => "course_plan",
            Agent::StudentProfileSummary => "student_profile_summary",
            Agent::WorkflowText => "workflow_text",
            Agent::Proxy => "proxy",
        }
    }

    /// The configurable agent of a name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == name)
    }

    /// The agent of a recorded call's name (the configurable ones and [`Agent::Proxy`]).
    pub fn parse_recorded(name: &str) -> Option<Self> {
        Self::parse(name).or((name == "proxy").then_some(Agent::Proxy))
    }
}

/// An LLM provider (also the name of its credential).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
    ToSchema,
)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "snake_case")]
pub enum ProviderName {
    /// OpenAI chat completions.
    #[sea_orm(string_value = "openai")]
    Openai,
    /// Anthropic messages.
    #[sea_orm(string_value = "anthropic")]
    Anthropic,
    /// Google Gemini `generateContent`.
    #[sea_orm(string_value = "gemini")]
    Gemini,
    /// Groq (OpenAI-compatible).
    #[sea_orm(string_value = "groq")]
    Groq,
}

impl ProviderName {
    /// Every provider.
    pub const ALL: [ProviderName; 4] = [
        ProviderName::Openai,
        ProviderName::Anthropic,
        ProviderName::Gemini,
        ProviderName::Groq,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderName::Openai => "openai",
            ProviderName::Anthropic => "anthropic",
            ProviderName::Gemini => "gemini",
            ProviderName::Groq => "groq",
        }
    }

    /// The provider of a name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == name)
    }
}

/// How one provider attempt ended.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum, Serialize, Deserialize, ToSchema,
)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Answered (and satisfied the schema, if one was asked).
    #[sea_orm(string_value = "ok")]
    Ok,
    /// No answer within `LLM_TIMEOUT_MS` (or the connection failed).
    #[sea_orm(string_value = "timeout")]
    Timeout,
    /// 429 from the provider.
    #[sea_orm(string_value = "rate_limited")]
    RateLimited,
    /// 5xx from the provider.
    #[sea_orm(string_value = "server_error")]
    ServerError,
    /// Another 4xx (bad request, rejected key): no fallback.
    #[sea_orm(string_value = "client_error")]
    ClientError,
    /// No credential stored for the provider: skipped.
    #[sea_orm(string_value = "not_configured")]
    NotConfigured,
    /// The answer did not satisfy the schema.
    #[sea_orm(string_value = "invalid_output")]
    InvalidOutput,
    /// Refused before any call: the monthly budget is spent.
    #[sea_orm(string_value = "refused_budget")]
    RefusedBudget,
}

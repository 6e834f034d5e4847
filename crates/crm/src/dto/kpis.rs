//! Bodies of targets and the sales dashboard.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

/// A target: won leads for an agent or a team over a period (inclusive dates, IST).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct NewTarget {
    /// The agent (or `team_id`).
    pub agent_id: Option<Uuid>,
    /// The team (or `agent_id`).
    pub team_id: Option<Uuid>,
    /// First day.
    pub period_start: NaiveDate,
    /// Last day (at most 366 days after the first).
    pub period_end: NaiveDate,
    /// Leads to win.
    #[validate(range(min = 1, max = 1_000_000))]
    #[schema(minimum = 1, maximum = 1_000_000)]
    pub won_target: i32,
}

/// A target with its attainment so far.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TargetDto {
    /// Id.
    pub id: Uuid,
    /// Agent.
    pub agent_id: Option<Uuid>,
    /// Team.
    pub team_id: Option<Uuid>,
    /// First day.
    pub period_start: NaiveDate,
    /// Last day.
    pub period_end: NaiveDate,
    /// Leads to win.
    pub won_target: i32,
    /// Leads won in the period by the agent (or the team's agents and head).
    pub won: i64,
    /// `won / won_target`, percent (may pass 100).
    pub attainment_percent: f64,
}

/// The sales dashboard as last computed by `kpiQueue` (never computed on the request).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DashboardDto {
    /// When `kpiQueue` computed it (null: not yet).
    pub computed_at: Option<DateTime<Utc>>,
    /// The KPIs: `leads_total`, `leads_today`, `open_leads`, `unassigned`, `by_stage`,
    /// `won_this_month`, `created_this_month`, `conversion_percent`, `agents` (per agent:
    /// `user_id`, `open_leads`, `won_this_month`; a SALES user sees only their own row),
    /// `targets` (current targets with attainment).
    #[schema(value_type = Object)]
    pub kpis: serde_json::Value,
}

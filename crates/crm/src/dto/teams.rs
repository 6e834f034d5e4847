//! Bodies of sales teams, agents and the vendors' lead-quality ledger.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::entities::{sales_agents, sales_teams, vendor_lead_quality};

/// A new sales team.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct NewTeam {
    /// Name, unique on the platform.
    #[validate(length(min = 1, max = 120))]
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    /// The sales head: a user of the platform with the `sales_head` capability.
    pub head_id: Uuid,
}

/// A sales team.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TeamDto {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// The sales head.
    pub head_id: Uuid,
    /// Agents.
    pub member_ids: Vec<Uuid>,
    /// Created.
    pub created_at: DateTime<Utc>,
}

impl TeamDto {
    /// The team with its members.
    pub fn new(t: sales_teams::Model, member_ids: Vec<Uuid>) -> Self {
        Self {
            id: t.id,
            name: t.name,
            head_id: t.head_id,
            member_ids,
            created_at: t.created_at,
        }
    }
}

/// Adds an agent to a team.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct AddMember {
    /// The agent: a SALES user of the platform (in no other team).
    pub user_id: Uuid,
}

/// An agent's assignment settings.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct AgentSettings {
    /// Takes new leads.
    pub active: bool,
    /// Most open leads at once.
    #[validate(range(min = 0, max = 100_000))]
    #[schema(minimum = 0, maximum = 100_000)]
    pub capacity: i32,
    /// Share of new leads relative to the other agents.
    #[validate(range(min = 1, max = 100))]
    #[schema(minimum = 1, maximum = 100)]
    pub weight: i32,
}

/// An agent.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AgentDto {
    /// The user.
    pub user_id: Uuid,
    /// Takes new leads.
    pub active: bool,
    /// Most open leads at once.
    pub capacity: i32,
    /// Share of new leads.
    pub weight: i32,
    /// Open leads now.
    pub open_leads: i32,
    /// Leads ever assigned.
    pub assigned_total: i64,
    /// Last assignment.
    pub last_assigned_at: Option<DateTime<Utc>>,
}

impl From<sales_agents::Model> for AgentDto {
    fn from(a: sales_agents::Model) -> Self {
        Self {
            user_id: a.user_id,
            active: a.active,
            capacity: a.capacity,
            weight: a.weight,
            open_leads: a.open_leads,
            assigned_total: a.assigned_total,
            last_assigned_at: a.last_assigned_at,
        }
    }
}

/// A vendor's lead-quality ledger.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct VendorQualityDto {
    /// Vendor.
    pub vendor_id: Uuid,
    /// New leads it sent.
    pub leads_created: i64,
    /// Leads it sent that were already known (re-inquiries).
    pub duplicates: i64,
    /// Changed.
    pub updated_at: DateTime<Utc>,
}

impl From<vendor_lead_quality::Model> for VendorQualityDto {
    fn from(v: vendor_lead_quality::Model) -> Self {
        Self {
            vendor_id: v.vendor_id,
            leads_created: v.leads_created,
            duplicates: v.duplicates,
            updated_at: v.updated_at,
        }
    }
}

/// A WhatsApp template's approval on the platform (workflows send only approved ones while
/// `CRM_WHATSAPP_REQUIRE_APPROVED_TEMPLATE` holds).
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
pub struct TemplateApproval {
    /// The template's name as approved by Meta.
    #[validate(length(min = 1, max = 512))]
    #[schema(min_length = 1, max_length = 512)]
    pub name: String,
    /// Its language code.
    #[validate(length(min = 2, max = 15))]
    #[schema(min_length = 2, max_length = 15)]
    pub language: String,
    /// Approved (false: withdrawn, paused or rejected).
    pub approved: bool,
}

/// A WhatsApp template's approval as stored.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TemplateApprovalDto {
    /// Name.
    pub name: String,
    /// Language.
    pub language: String,
    /// Approved.
    pub approved: bool,
    /// Changed.
    pub updated_at: DateTime<Utc>,
}

/// A rule-based assignment rule: leads matching every criterion given (case-insensitive;
/// `source` is the lead's first source, `form:<name>` for forms) go to the team's agents (by
/// the weighted round-robin among them) or to one agent, before the platform-wide
/// round-robin. Rules are tried by `priority` (lowest first); a rule whose agents are all
/// inactive or full is skipped.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[schema(as = NewAssignmentRule)]
pub struct NewRule {
    /// Lower runs first (0-10000).
    #[validate(range(min = 0, max = 10_000))]
    #[schema(minimum = 0, maximum = 10_000)]
    pub priority: i32,
    /// Course.
    #[validate(length(min = 1, max = 120))]
    #[schema(min_length = 1, max_length = 120)]
    pub course: Option<String>,
    /// Source.
    #[validate(length(min = 1, max = 120))]
    #[schema(min_length = 1, max_length = 120)]
    pub source: Option<String>,
    /// Language.
    #[validate(length(min = 1, max = 40))]
    #[schema(min_length = 1, max_length = 40)]
    pub language: Option<String>,
    /// Region.
    #[validate(length(min = 1, max = 80))]
    #[schema(min_length = 1, max_length = 80)]
    pub region: Option<String>,
    /// To this team's agents (or `agent_id`).
    pub team_id: Option<Uuid>,
    /// To this agent (or `team_id`).
    pub agent_id: Option<Uuid>,
}

/// A stored assignment rule.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = AssignmentRuleDto)]
pub struct RuleDto {
    /// Id.
    pub id: Uuid,
    /// Priority.
    pub priority: i32,
    /// Course.
    pub course: Option<String>,
    /// Source.
    pub source: Option<String>,
    /// Language.
    pub language: Option<String>,
    /// Region.
    pub region: Option<String>,
    /// Team.
    pub team_id: Option<Uuid>,
    /// Agent.
    pub agent_id: Option<Uuid>,
    /// Created.
    pub created_at: DateTime<Utc>,
}

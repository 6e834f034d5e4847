//! Domain events the CRM publishes through the outbox (ids only: no name, phone or email).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{dto::workflows::LeadField, entities::Stage};

/// `lead.created`: a new lead (not a re-inquiry), published by the ingesting transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadCreated {
    /// The lead.
    pub lead_id: Uuid,
    /// The vendor that sent it, if any.
    pub vendor_id: Option<Uuid>,
    /// Its source (`vendor`, `form:<name>`).
    pub source: String,
    /// The agent it was assigned to on arrival.
    pub owner_id: Option<Uuid>,
}

impl jobs::EventSpec for LeadCreated {
    const NAME: &'static str = "lead.created";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// `lead.stage_changed`: a lead moved to another stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadStageChanged {
    /// The lead.
    pub lead_id: Uuid,
    /// The stage it left.
    pub from: Stage,
    /// The stage it entered.
    pub to: Stage,
    /// Who moved it (none: a workflow step).
    pub changed_by: Option<Uuid>,
    /// How many workflow steps led here (0: a person); the workflow engine's depth guard.
    #[serde(default)]
    pub depth: i32,
}

impl jobs::EventSpec for LeadStageChanged {
    const NAME: &'static str = "lead.stage_changed";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// `lead.assigned`: a lead got an owner (first assignment or reassignment).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadAssigned {
    /// The lead.
    pub lead_id: Uuid,
    /// The new owner.
    pub owner_id: Uuid,
    /// The previous owner.
    pub previous_owner_id: Option<Uuid>,
}

impl jobs::EventSpec for LeadAssigned {
    const NAME: &'static str = "lead.assigned";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// `lead.field_changed`: a workflow's `update_field` step changed a field of the lead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadFieldChanged {
    /// The lead.
    pub lead_id: Uuid,
    /// The field.
    pub field: LeadField,
    /// How many workflow steps led here; the depth guard.
    #[serde(default)]
    pub depth: i32,
}

impl jobs::EventSpec for LeadFieldChanged {
    const NAME: &'static str = "lead.field_changed";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// `lead.form_submitted`: a capture or marketing form named a lead (new or known).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadFormSubmitted {
    /// The lead.
    pub lead_id: Uuid,
    /// The form.
    pub form: String,
}

impl jobs::EventSpec for LeadFormSubmitted {
    const NAME: &'static str = "lead.form_submitted";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

//! `leads`: one per platform and E.164 phone, and per platform and canonical email.

use sea_orm::entity::prelude::*;

/// A lead.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "leads")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// Name as given.
    pub full_name: String,
    /// Phone in E.164.
    pub phone_e164: String,
    /// Canonical email: the dedupe key (`normalize::email_canonical`), never an address to
    /// write to.
    pub email_canonical: Option<String>,
    /// The email as given (trimmed, domain lower-cased): where mail to the lead goes.
    pub email: Option<String>,
    /// Where it first came from (`vendor:<name>`, a form, `import`).
    pub source: String,
    /// Campaign.
    pub campaign: Option<String>,
    /// The capture form's name.
    pub form: Option<String>,
    /// UTM parameters (object of strings).
    pub utm: Json,
    /// Anything else the vendor sent (object).
    pub extra: Json,
    /// Pipeline stage.
    pub stage: Stage,
    /// When the current stage began.
    pub stage_changed_at: DateTimeUtc,
    /// The agent who owns it.
    pub owner_id: Option<Uuid>,
    /// When it was (last) assigned.
    pub assigned_at: Option<DateTimeUtc>,
    /// The vendor that first sent it.
    pub vendor_id: Option<Uuid>,
    /// How many times it came again.
    pub reinquiries: i32,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Changed.
    pub updated_at: DateTimeUtc,
    /// The course asked about (rule-based assignment, workflow conditions).
    pub course: Option<String>,
    /// The language the lead prefers.
    pub language: Option<String>,
    /// The lead's region (state or city).
    pub region: Option<String>,
    /// Do not disturb: no WhatsApp, email or call from a workflow.
    pub dnd: bool,
    /// WhatsApp consent: `true` given, `false` withdrawn, null not asked.
    pub whatsapp_consent: Option<bool>,
    /// The lead this one was merged into (a closed duplicate).
    pub merged_into: Option<Uuid>,
    /// When the speed-to-lead SLA re-assigned it (once).
    pub sla_reassigned_at: Option<DateTimeUtc>,
    /// The campaign the lead is attributed to (ADR 0078).
    pub campaign_id: Option<Uuid>,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

text_enum! {
    /// The pipeline.
    Stage {
        /// Just arrived.
        New = "new",
        /// Reached.
        Contacted = "contacted",
        /// Interested and a fit.
        Qualified = "qualified",
        /// Discussing price and terms.
        Negotiation = "negotiation",
        /// Bought (closed).
        Won = "won",
        /// Not buying (closed).
        Lost = "lost",
    }
}

impl Stage {
    /// Won or lost: the lead no longer counts against its owner's capacity.
    pub fn is_closed(self) -> bool {
        matches!(self, Stage::Won | Stage::Lost)
    }
}

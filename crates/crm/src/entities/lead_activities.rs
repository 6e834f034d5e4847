//! `lead_activities`: the lead's timeline.

use sea_orm::entity::prelude::*;

/// One event on a lead's timeline.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "lead_activities")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// Lead.
    pub lead_id: Uuid,
    /// What happened.
    pub kind: ActivityKind,
    /// The user who did it.
    pub actor_id: Option<Uuid>,
    /// The vendor that sent it.
    pub vendor_id: Option<Uuid>,
    /// The source of a creation or re-inquiry.
    pub source: Option<String>,
    /// A note's text.
    pub body: Option<String>,
    /// Details (stage from/to, owner from/to, campaign).
    pub data: Json,
    /// When.
    pub created_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

text_enum! {
    /// Kinds of timeline events.
    ActivityKind {
        /// The lead arrived.
        Created = "created",
        /// The same person came again (another vendor, form or campaign).
        ReInquiry = "re_inquiry",
        /// An agent's note.
        Note = "note",
        /// The stage changed.
        StageChanged = "stage_changed",
        /// First owner.
        Assigned = "assigned",
        /// Owner changed.
        Reassigned = "reassigned",
        /// A phone call.
        Call = "call",
        /// A WhatsApp conversation.
        Whatsapp = "whatsapp",
        /// A follow-up task was set.
        Task = "task",
        /// An email a workflow sent.
        Email = "email",
        /// A webhook a workflow called.
        Webhook = "webhook",
        /// A field a workflow changed (`{field, from, to}`).
        FieldChanged = "field_changed",
        /// A send a check refused (`{channel, reason, run_id}`).
        SendBlocked = "send_blocked",
        /// Contact preferences changed (`{dnd, whatsapp_consent}`).
        Preferences = "preferences",
        /// Another lead merged into this one (`{merged_lead_id}`).
        Merged = "merged",
        /// A merge undone (`{merged_lead_id}`).
        Unmerged = "unmerged",
        /// Re-assigned by the speed-to-lead SLA (`{from, to}`).
        SlaReassigned = "sla_reassigned",
        /// A discount proposed, approved or rejected (ADR 0076).
        Discount = "discount",
        /// A PAP / MOU agreement generated, sent, signed (ADR 0067).
        Agreement = "agreement",
    }
}

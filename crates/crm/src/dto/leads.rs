//! Bodies of lead ingestion and the sales desk.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::entities::{
    ActivityKind, Stage, lead_activities, lead_stage_history, lead_tasks, leads,
};

/// The largest `extra` object, serialised.
pub const EXTRA_MAX_BYTES: usize = 8 * 1024;

/// A vendor's lead (`X-API-Key`; the platform is the key's).
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct VendorLeadRequest {
    /// The person's name.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub full_name: String,
    /// Phone in any common spelling; without a country code it is an Indian number.
    #[validate(length(min = 1, max = 32))]
    #[schema(min_length = 1, max_length = 32, example = "+91 98765 43210")]
    pub phone: String,
    /// Email (optional; also a dedupe key).
    #[validate(length(min = 3, max = 320))]
    #[schema(min_length = 3, max_length = 320)]
    pub email: Option<String>,
    /// Where the vendor got it (default `vendor`).
    #[validate(length(min = 1, max = 80))]
    #[schema(min_length = 1, max_length = 80)]
    pub source: Option<String>,
    /// Campaign.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub campaign: Option<String>,
    /// The course asked about (rule-based assignment).
    #[validate(length(min = 1, max = 120))]
    #[schema(min_length = 1, max_length = 120)]
    pub course: Option<String>,
    /// Preferred language.
    #[validate(length(min = 1, max = 40))]
    #[schema(min_length = 1, max_length = 40)]
    pub language: Option<String>,
    /// Region (state or city).
    #[validate(length(min = 1, max = 80))]
    #[schema(min_length = 1, max_length = 80)]
    pub region: Option<String>,
    /// Anything else (an object, at most 8 KiB serialised).
    #[validate(custom(function = "small_object"))]
    #[schema(value_type = Option<Object>)]
    pub extra: Option<serde_json::Map<String, serde_json::Value>>,
}

/// The answer to an ingested lead: 201 with `duplicate: false` for a new lead, 200 with the
/// first lead's id and `duplicate: true` when the phone or email is already known.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct IngestAnswer {
    /// The lead (the first one, for a duplicate).
    pub id: Uuid,
    /// Whether the person was already a lead of the platform.
    pub duplicate: bool,
}

/// A public capture form's submission.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct CaptureRequest {
    /// The person's name.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub full_name: String,
    /// Phone (without a country code: India).
    #[validate(length(min = 1, max = 32))]
    #[schema(min_length = 1, max_length = 32)]
    pub phone: String,
    /// Email.
    #[validate(length(min = 3, max = 320))]
    #[schema(min_length = 3, max_length = 320)]
    pub email: Option<String>,
    /// The form's name (`course-interest`, `ai-for-everyone`, …): at most 75 characters, so
    /// the lead's source `form:<name>` fits its 80. Names starting with `event-` or `league-`
    /// are reserved for the event and league registrations (which check capacity and closing
    /// time) and are refused here.
    #[validate(length(min = 1, max = 75), custom(function = "capture_form_name"))]
    #[schema(min_length = 1, max_length = 75, pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$")]
    pub form: String,
    /// UTM parameters (`utm_source`, …): at most 10, values up to 200 characters.
    #[validate(custom(function = "utm_map"))]
    pub utm: Option<BTreeMap<String, String>>,
    /// The course asked about.
    #[validate(length(min = 1, max = 120))]
    #[schema(min_length = 1, max_length = 120)]
    pub course: Option<String>,
    /// Preferred language.
    #[validate(length(min = 1, max = 40))]
    #[schema(min_length = 1, max_length = 40)]
    pub language: Option<String>,
    /// Region.
    #[validate(length(min = 1, max = 80))]
    #[schema(min_length = 1, max_length = 80)]
    pub region: Option<String>,
    /// WhatsApp consent given on the form (the checkbox).
    pub whatsapp_consent: Option<bool>,
    /// Honeypot: a field hidden from people. Filled in, the submission is answered like any
    /// other and discarded.
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    pub website: Option<String>,
}

/// The answer to a capture form: always the same, so the form tells nobody whether a phone
/// is already known (or that a honeypot caught them).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CaptureAnswer {
    /// Always true.
    pub received: bool,
}

/// A lead as listed.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LeadDto {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub full_name: String,
    /// Phone (E.164).
    pub phone: String,
    /// Email (canonical).
    pub email: Option<String>,
    /// First source.
    pub source: String,
    /// Campaign.
    pub campaign: Option<String>,
    /// Capture form.
    pub form: Option<String>,
    /// UTM parameters.
    #[schema(value_type = Object)]
    pub utm: serde_json::Value,
    /// Vendor extras.
    #[schema(value_type = Object)]
    pub extra: serde_json::Value,
    /// Stage.
    pub stage: Stage,
    /// Since when.
    pub stage_changed_at: DateTime<Utc>,
    /// Owner.
    pub owner_id: Option<Uuid>,
    /// Assigned.
    pub assigned_at: Option<DateTime<Utc>>,
    /// Vendor.
    pub vendor_id: Option<Uuid>,
    /// Re-inquiries so far.
    pub reinquiries: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// The course asked about.
    pub course: Option<String>,
    /// Preferred language.
    pub language: Option<String>,
    /// Region.
    pub region: Option<String>,
    /// Do not disturb: workflows send nothing.
    pub dnd: bool,
    /// WhatsApp consent (`true` given, `false` withdrawn, null not asked).
    pub whatsapp_consent: Option<bool>,
    /// Merged into this lead (a closed duplicate).
    pub merged_into: Option<Uuid>,
    /// The campaign the lead is attributed to.
    pub campaign_id: Option<Uuid>,
}

impl From<leads::Model> for LeadDto {
    fn from(l: leads::Model) -> Self {
        Self {
            id: l.id,
            full_name: l.full_name,
            phone: l.phone_e164,
            email: l.email,
            source: l.source,
            campaign: l.campaign,
            form: l.form,
            utm: l.utm,
            extra: l.extra,
            stage: l.stage,
            stage_changed_at: l.stage_changed_at,
            owner_id: l.owner_id,
            assigned_at: l.assigned_at,
            vendor_id: l.vendor_id,
            reinquiries: l.reinquiries,
            created_at: l.created_at,
            course: l.course,
            language: l.language,
            region: l.region,
            dnd: l.dnd,
            whatsapp_consent: l.whatsapp_consent,
            merged_into: l.merged_into,
            campaign_id: l.campaign_id,
        }
    }
}

/// A stay in a stage.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StageStayDto {
    /// Stage.
    pub stage: Stage,
    /// Entered.
    pub entered_at: DateTime<Utc>,
    /// Left (null for the current stage).
    pub left_at: Option<DateTime<Utc>>,
    /// Seconds spent in it (so far, for the current stage).
    pub seconds_in_stage: i64,
    /// Who moved the lead into it.
    pub changed_by: Option<Uuid>,
    /// The note given with the move.
    pub note: Option<String>,
}

impl StageStayDto {
    /// The stay, timed against `now` when it is the current one.
    pub fn from_model(h: lead_stage_history::Model, now: DateTime<Utc>) -> Self {
        let until = h.left_at.unwrap_or(now);
        Self {
            stage: h.stage,
            entered_at: h.entered_at,
            left_at: h.left_at,
            seconds_in_stage: (until - h.entered_at).num_seconds().max(0),
            changed_by: h.changed_by,
            note: h.note,
        }
    }
}

/// A timeline entry.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ActivityDto {
    /// Id.
    pub id: Uuid,
    /// Kind.
    pub kind: ActivityKind,
    /// The user who did it.
    pub actor_id: Option<Uuid>,
    /// The vendor that sent it.
    pub vendor_id: Option<Uuid>,
    /// Source of a creation or re-inquiry.
    pub source: Option<String>,
    /// A note's text.
    pub body: Option<String>,
    /// Details.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl From<lead_activities::Model> for ActivityDto {
    fn from(a: lead_activities::Model) -> Self {
        Self {
            id: a.id,
            kind: a.kind,
            actor_id: a.actor_id,
            vendor_id: a.vendor_id,
            source: a.source,
            body: a.body,
            data: a.data,
            created_at: a.created_at,
        }
    }
}

/// A follow-up task.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TaskDto {
    /// Id.
    pub id: Uuid,
    /// Who should do it.
    pub assignee_id: Option<Uuid>,
    /// What.
    pub title: String,
    /// By when.
    pub due_at: DateTime<Utc>,
    /// Done.
    pub done_at: Option<DateTime<Utc>>,
    /// Who set it.
    pub created_by: Option<Uuid>,
}

impl From<lead_tasks::Model> for TaskDto {
    fn from(t: lead_tasks::Model) -> Self {
        Self {
            id: t.id,
            assignee_id: t.assignee_id,
            title: t.title,
            due_at: t.due_at,
            done_at: t.done_at,
            created_by: t.created_by,
        }
    }
}

/// A lead with its stage history, timeline and tasks.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LeadDetail {
    /// The lead.
    pub lead: LeadDto,
    /// Each stage it was in, oldest first, with the time spent there.
    pub stage_history: Vec<StageStayDto>,
    /// The timeline, oldest first.
    pub activities: Vec<ActivityDto>,
    /// Follow-ups, soonest first.
    pub tasks: Vec<TaskDto>,
    /// Calls placed from the lead (Exotel), newest first, with their recordings.
    pub calls: Vec<LeadCallDto>,
}

/// A call placed from the lead.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LeadCallDto {
    /// The call (comms' `exotel_calls`).
    pub id: Uuid,
    /// Exotel's call SID.
    pub sid: String,
    /// Last status Exotel reported.
    pub status: String,
    /// Talk time, seconds.
    pub duration_secs: Option<i32>,
    /// The recording, once Exotel reports it.
    pub recording_url: Option<String>,
    /// Who placed it.
    pub placed_by: Option<Uuid>,
    /// Placed.
    pub created_at: DateTime<Utc>,
}

/// Places a click-to-call from the lead: Exotel rings the agent at `from` (default: the
/// agent's profile phone), then the lead.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct PlaceLeadCall {
    /// The agent's phone.
    #[validate(length(min = 6, max = 32))]
    #[schema(min_length = 6, max_length = 32)]
    pub from: Option<String>,
}

/// Filters of the lead list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LeadFilter {
    /// Only leads in this stage.
    pub stage: Option<Stage>,
}

/// Moves a lead to a stage.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct StageChange {
    /// The new stage.
    pub stage: Stage,
    /// Why (kept in the history and on the timeline).
    #[validate(length(min = 1, max = 5000))]
    #[schema(min_length = 1, max_length = 5000)]
    pub note: Option<String>,
}

/// A note on the timeline.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(as = NewLeadNote)]
pub struct NewNote {
    /// Text.
    #[validate(length(min = 1, max = 5000))]
    #[schema(min_length = 1, max_length = 5000)]
    pub body: String,
}

/// A follow-up task.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct NewTask {
    /// What.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// By when.
    pub due_at: DateTime<Utc>,
}

/// Gives a lead to another agent (SALES_HEAD within their team, CM, ADMIN).
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct AssignLead {
    /// The new owner: an agent of the platform.
    pub owner_id: Uuid,
}

fn small_object(
    value: &serde_json::Map<String, serde_json::Value>,
) -> Result<(), validator::ValidationError> {
    let text = serde_json::to_string(value).unwrap_or_default();
    if text.contains("\\u0000") {
        return Err(validator::ValidationError::new("nul")
            .with_message("must not contain NUL (\\u0000) characters".into()));
    }
    if !text.is_empty() && text.len() <= EXTRA_MAX_BYTES {
        Ok(())
    } else {
        Err(validator::ValidationError::new("size")
            .with_message("must be at most 8 KiB as JSON".into()))
    }
}

pub(crate) fn form_name(value: &str) -> Result<(), validator::ValidationError> {
    let ok = !value.is_empty()
        && value.split('-').all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if ok {
        Ok(())
    } else {
        Err(validator::ValidationError::new("form")
            .with_message("must be lower-case words joined by dashes".into()))
    }
}

/// Form-name prefixes only the marketing registrations use (`event-<slug>`,
/// `league-<slug>`): workflows may trust them to mean a checked registration.
pub(crate) const RESERVED_FORM_PREFIXES: [&str; 2] = ["event-", "league-"];

/// A form name the public capture form may use: [`form_name`], and not a reserved one.
pub(crate) fn capture_form_name(value: &str) -> Result<(), validator::ValidationError> {
    form_name(value)?;
    if RESERVED_FORM_PREFIXES.iter().any(|p| value.starts_with(p)) {
        return Err(validator::ValidationError::new("form").with_message(
            "names starting with event- or league- are reserved for event and league registrations"
                .into(),
        ));
    }
    Ok(())
}

pub(crate) fn utm_map(value: &BTreeMap<String, String>) -> Result<(), validator::ValidationError> {
    let ok = value.len() <= 10
        && value.iter().all(|(k, v)| {
            !k.is_empty()
                && k.len() <= 40
                && v.len() <= 200
                && !k.contains('\0')
                && !v.contains('\0')
        });
    if ok {
        Ok(())
    } else {
        Err(validator::ValidationError::new("utm")
            .with_message("at most 10 keys of up to 40 characters, values up to 200".into()))
    }
}

/// A lead's contact preferences (fields left out keep their value).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct ContactPreferences {
    /// Do not disturb: workflows send nothing.
    pub dnd: Option<bool>,
    /// WhatsApp consent given (`true`) or withdrawn (`false`).
    pub whatsapp_consent: Option<bool>,
}

/// Merges this lead into another.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct MergeRequest {
    /// The lead that stays (this one's timeline and open tasks move onto it).
    pub into: Uuid,
}

/// What a merge did.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MergeAnswer {
    /// The merge (undo with `POST /api/sales/leads/{id}/unmerge`).
    pub merge_id: Uuid,
    /// Timeline entries moved.
    pub moved_activities: usize,
    /// Open tasks moved.
    pub moved_tasks: usize,
    /// The lead that stays.
    pub lead: LeadDetail,
}

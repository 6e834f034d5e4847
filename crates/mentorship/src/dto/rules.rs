//! Bodies of the weekly availability rules.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::entities::mentor_availability_rules as rules;

/// A weekly window the mentor is available in.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(as = NewAvailabilityRule)]
pub struct NewRule {
    /// 0 = Sunday, 1 = Monday … 6 = Saturday.
    #[validate(range(max = 6))]
    #[schema(minimum = 0, maximum = 6)]
    pub weekday: u8,
    /// Wall-clock start, `HH:MM` (or `HH:MM:SS`).
    #[validate(length(min = 4, max = 8))]
    #[schema(
        min_length = 4,
        max_length = 8,
        pattern = r"^\s*([01]?[0-9]|2[0-3]):[0-5]?[0-9](:([0-5]?[0-9]|60))?\s*$"
    )]
    pub start_time: String,
    /// Wall-clock end, `HH:MM`, after the start on the same day.
    #[validate(length(min = 4, max = 8))]
    #[schema(
        min_length = 4,
        max_length = 8,
        pattern = r"^\s*([01]?[0-9]|2[0-3]):[0-5]?[0-9](:([0-5]?[0-9]|60))?\s*$"
    )]
    pub end_time: String,
    /// IANA time zone (default: the mentor profile's), e.g. `Asia/Kolkata`.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub timezone: Option<String>,
    /// Length of each slot in minutes, 15-480 (default 60).
    #[validate(range(min = 15, max = 480))]
    #[schema(minimum = 15, maximum = 480)]
    pub slot_minutes: Option<i32>,
}

/// A rule.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = AvailabilityRuleDto)]
pub struct RuleDto {
    /// Id.
    pub id: Uuid,
    /// 0 = Sunday … 6 = Saturday.
    pub weekday: i16,
    /// `HH:MM`.
    pub start_time: String,
    /// `HH:MM`.
    pub end_time: String,
    /// Slot length in minutes.
    pub slot_minutes: i32,
    /// IANA time zone.
    pub timezone: String,
    /// Created.
    pub created_at: DateTime<Utc>,
}

impl From<rules::Model> for RuleDto {
    fn from(r: rules::Model) -> Self {
        Self {
            id: r.id,
            weekday: r.weekday,
            start_time: r.start_time.format("%H:%M").to_string(),
            end_time: r.end_time.format("%H:%M").to_string(),
            slot_minutes: r.slot_minutes,
            timezone: r.timezone,
            created_at: r.created_at,
        }
    }
}

/// A rule created, with the slots it opened at once.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CreatedRule {
    /// The rule.
    pub rule: RuleDto,
    /// Open slots generated now (`SLOT_GENERATION_DAYS` ahead; overlaps skipped).
    pub slots_created: u64,
}

/// The caller's rules.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RuleList {
    /// By weekday, then start.
    pub items: Vec<RuleDto>,
    /// Always null: a mentor's rules fit one page.
    pub next_cursor: Option<String>,
}

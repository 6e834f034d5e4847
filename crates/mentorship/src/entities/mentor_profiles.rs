//! `mentor_profiles`.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A mentor profile.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mentor_profiles")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// The mentor's user.
    pub user_id: Uuid,
    /// Display name.
    pub full_name: String,
    /// One line.
    pub headline: String,
    /// About.
    pub bio: String,
    /// Expertise tags (JSON array of strings).
    pub expertise: Json,
    /// Languages (JSON array of strings).
    pub languages: Json,
    /// Years of experience.
    pub years: i32,
    /// Price of a session in tokens.
    pub price_tokens: i64,
    /// IANA time zone.
    pub timezone: String,
    /// `pending`, `approved`, `rejected`, `suspended`.
    pub status: MentorStatus,
    /// Sum of ratings.
    pub rating_sum: i64,
    /// Ratings.
    pub rating_count: i32,
    /// Approved.
    pub approved_at: Option<DateTimeUtc>,
    /// By whom.
    pub approved_by: Option<Uuid>,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Changed.
    pub updated_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// A mentor profile's status (the table's CHECK: pending, approved, rejected, suspended).
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
pub enum MentorStatus {
    /// Applied, waiting for an admin.
    #[sea_orm(string_value = "pending")]
    Pending,
    /// Listed and bookable.
    #[sea_orm(string_value = "approved")]
    Approved,
    /// Refused by an admin (may be approved later).
    #[sea_orm(string_value = "rejected")]
    Rejected,
    /// Taken off the list.
    #[sea_orm(string_value = "suspended")]
    Suspended,
}

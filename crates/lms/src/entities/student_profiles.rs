//! `student_profiles`: the LMS's own profile fields of a user.

use sea_orm::entity::prelude::*;

/// A student's profile.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "student_profiles")]
pub struct Model {
    /// The user.
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// One-line headline.
    pub headline: Option<String>,
    /// Learning goals.
    pub goals: Option<String>,
    /// Education.
    pub education: Option<String>,
    /// IANA time zone.
    pub timezone: Option<String>,
    /// LinkedIn profile URL.
    pub linkedin_url: Option<String>,
    /// GitHub profile URL.
    pub github_url: Option<String>,
    /// Changed.
    pub updated_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

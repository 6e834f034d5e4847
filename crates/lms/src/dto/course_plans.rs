//! Bodies of AI course plans.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

/// Asking for a student's plan (their batch lead, a super mentor or an admin).
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct NewCoursePlan {
    /// The student.
    pub user_id: Uuid,
    /// The course (the student's enrolment).
    pub course_id: Uuid,
    /// The student's goals, in their words.
    #[serde(default)]
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub goals: String,
    /// Hours the student can give a week.
    #[validate(range(min = 1, max = 80))]
    #[schema(minimum = 1, maximum = 80)]
    pub hours_per_week: i32,
    /// Weeks the plan covers.
    #[validate(range(min = 1, max = 52))]
    #[schema(minimum = 1, maximum = 52)]
    pub weeks: i32,
}

/// The batch lead's edit of a plan: the whole plan, which must satisfy the plan's schema.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct CoursePlanEdit {
    /// `{weeks: [{week, focus, items, hours}]}`.
    #[schema(value_type = Object)]
    pub plan: Value,
}

/// A course plan.
#[derive(Debug, Clone, Serialize, ToSchema, sea_orm::FromQueryResult)]
pub struct CoursePlan {
    /// The plan.
    pub id: Uuid,
    /// The student.
    pub user_id: Uuid,
    /// The course.
    pub course_id: Uuid,
    /// The goals it was made for.
    pub goals: String,
    /// Hours a week.
    pub hours_per_week: i32,
    /// Weeks.
    pub weeks: i32,
    /// `pending`, `ready` or `failed`.
    pub status: String,
    /// `{weeks: [{week, focus, items, hours}]}` once ready.
    #[schema(value_type = Option<Object>)]
    pub plan: Option<Value>,
    /// The provider that wrote it.
    pub provider: Option<String>,
    /// Its model.
    pub model: Option<String>,
    /// The prompt version used.
    pub prompt_version: Option<String>,
    /// Why it failed.
    pub error: Option<String>,
    /// Who asked.
    pub requested_by: Uuid,
    /// Who edited it last.
    pub edited_by: Option<Uuid>,
    /// When.
    pub edited_at: Option<DateTime<Utc>>,
    /// Asked at.
    pub created_at: DateTime<Utc>,
}

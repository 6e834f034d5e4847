//! Bodies of the talent pool and the salary benchmark.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

/// Filters of the talent pool, with its page.
#[derive(Debug, Clone, Default, Deserialize, IntoParams, Validate)]
#[into_params(parameter_in = Query)]
pub struct TalentQuery {
    /// A skill the candidate declared or the job asked for (case ignored).
    #[validate(length(min = 1, max = 40))]
    #[param(min_length = 1, max_length = 40)]
    pub skill: Option<String>,
    /// At least this many years of experience (0-60).
    #[validate(range(min = 0, max = 60))]
    #[param(minimum = 0, maximum = 60)]
    pub min_experience: Option<i32>,
    /// Part of the candidate's or the job's location (case ignored).
    #[validate(length(min = 1, max = 100))]
    #[param(min_length = 1, max_length = 100)]
    pub location: Option<String>,
    /// At least this screening score (0-100; a human override counts).
    #[validate(range(min = 0, max = 100))]
    #[param(minimum = 0, maximum = 100)]
    pub min_score: Option<i32>,
    /// Page size, 1-100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    #[param(max_length = 2048, pattern = "^([0-9a-fA-F]{2})*$")]
    pub cursor: Option<String>,
}

/// A past applicant in the talent pool.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TalentItem {
    /// The application.
    pub application_id: Uuid,
    /// The candidate.
    pub candidate_id: Uuid,
    /// Name.
    pub full_name: String,
    /// Email.
    pub email: String,
    /// Phone.
    pub phone: Option<String>,
    /// The job they applied for.
    pub post_title: String,
    /// Declared skills.
    pub skills: Vec<String>,
    /// Declared years of experience.
    pub experience_years: Option<i32>,
    /// Declared location.
    pub location: Option<String>,
    /// The application's score (0-100).
    pub score: Option<i32>,
    /// Until when they agreed to stay in the pool.
    pub talent_pool_until: DateTime<Utc>,
    /// Applied.
    pub applied_at: DateTime<Utc>,
}

/// A page of the talent pool, newest applications first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TalentList {
    /// The candidates.
    pub items: Vec<TalentItem>,
    /// The next page's cursor.
    pub next_cursor: Option<String>,
}

/// One configured salary data point.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
pub struct SalarySource {
    /// The role (a job title; compared lower-cased, words only).
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub role: String,
    /// A location (empty: anywhere).
    #[serde(default)]
    #[validate(length(max = 100))]
    #[schema(max_length = 100)]
    pub location: String,
    /// Yearly salary in paise.
    #[validate(range(min = 1, max = 100_000_000_000_i64))]
    #[schema(minimum = 1, maximum = 100_000_000_000_i64)]
    pub amount_paise: i64,
    /// Where it comes from (a survey, a report).
    #[validate(length(min = 1, max = 120))]
    #[schema(min_length = 1, max_length = 120)]
    pub source: String,
}

/// The platform's configured data points (replaced as a whole).
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
pub struct SalarySources {
    /// At most 500.
    #[validate(length(max = 500), nested)]
    #[schema(max_items = 500)]
    pub items: Vec<SalarySource>,
}

/// Filters of the benchmark.
#[derive(Debug, Clone, Default, Deserialize, IntoParams, Validate)]
#[into_params(parameter_in = Query)]
pub struct BenchmarkQuery {
    /// A role (job title).
    #[validate(length(min = 1, max = 200))]
    #[param(min_length = 1, max_length = 200)]
    pub role: Option<String>,
    /// A location (empty or absent: every location and the overall row).
    #[validate(length(max = 100))]
    #[param(max_length = 100)]
    pub location: Option<String>,
}

/// A role's salary percentiles.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Benchmark {
    /// The role, normalised.
    pub role: String,
    /// The location, lower-cased (empty: all locations).
    pub location: String,
    /// Data points.
    pub samples: i32,
    /// Of which from our own offers and placements.
    pub own_samples: i32,
    /// 25th percentile, paise a year.
    pub p25_paise: i64,
    /// Median.
    pub median_paise: i64,
    /// 75th percentile.
    pub p75_paise: i64,
    /// When computed.
    pub computed_at: DateTime<Utc>,
}

/// Benchmarks, by role and location.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BenchmarkList {
    /// The rows.
    pub items: Vec<Benchmark>,
}

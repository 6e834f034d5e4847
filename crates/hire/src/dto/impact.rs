//! Bodies of the adverse-impact report.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::posts::valid_key;

/// Which stage counts as selected.
#[derive(Debug, Clone, Deserialize, IntoParams, Validate)]
#[into_params(parameter_in = Query)]
pub struct ImpactQuery {
    /// A stage of the post.
    #[validate(length(min = 1, max = 40), custom(function = "valid_key"))]
    #[param(min_length = 1, max_length = 40, pattern = "^[a-z0-9_]+$")]
    pub stage: String,
}

/// One self-identified group.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ImpactGroup {
    /// The group as candidates gave it (`undisclosed` when they gave none).
    pub group: String,
    /// Applications.
    pub applicants: i64,
    /// Applications that ever reached the stage.
    pub selected: i64,
    /// selected / applicants.
    pub selection_rate: f64,
    /// This rate over the highest group's (none when nobody was selected).
    pub impact_ratio: Option<f64>,
    /// The ratio is under 0.8 (the four-fifths rule).
    pub below_four_fifths: bool,
    /// Fewer than 30 applicants: the ratio says little.
    pub small_sample: bool,
}

/// Selection rates and impact ratios of a post at a stage.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImpactReport {
    /// The post.
    pub post_id: Uuid,
    /// The stage.
    pub stage: String,
    /// Per group.
    pub groups: Vec<ImpactGroup>,
}

//! `learner_accommodations`: a learner's time multiplier, extra time and extra attempts,
//! applied to every timed assessment.

use sea_orm::entity::prelude::*;

/// A learner's accommodations.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "learner_accommodations")]
pub struct Model {
    /// The learner.
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// Multiplies every duration (1-5).
    pub time_multiplier: f64,
    /// Seconds added to every deadline.
    pub extra_seconds: i32,
    /// Attempts added to every quiz's maximum.
    pub extra_attempts: i32,
    /// Why (free text for admins).
    pub note: String,
    /// The admin who set them.
    pub updated_by: Option<Uuid>,
    /// Changed.
    pub updated_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! `mentor_availability_rules`.

use sea_orm::entity::prelude::*;

/// A weekly availability rule.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mentor_availability_rules")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// The mentor profile.
    pub mentor_id: Uuid,
    /// 0 = Sunday … 6 = Saturday.
    pub weekday: i16,
    /// Wall-clock start in `timezone`.
    pub start_time: chrono::NaiveTime,
    /// Wall-clock end in `timezone` (after the start, same day).
    pub end_time: chrono::NaiveTime,
    /// Length of each generated slot.
    pub slot_minutes: i32,
    /// IANA time zone.
    pub timezone: String,
    /// Created.
    pub created_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

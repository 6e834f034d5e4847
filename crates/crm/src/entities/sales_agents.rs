//! `sales_agents`: who takes leads, how many and how often.

use sea_orm::entity::prelude::*;

/// An agent's assignment settings and counters.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sales_agents")]
pub struct Model {
    /// The user.
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// Takes new leads.
    pub active: bool,
    /// Most open leads at once.
    pub capacity: i32,
    /// Share of new leads relative to the others (2 takes twice as many as 1).
    pub weight: i32,
    /// Open leads owned now.
    pub open_leads: i32,
    /// Leads ever assigned.
    pub assigned_total: i64,
    /// Last assignment.
    pub last_assigned_at: Option<DateTimeUtc>,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Changed.
    pub updated_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! Roles and capability flags (the contract's `role` and `caps` claims). Kept apart from
//! [`crate::auth`] so configuration (seeded users) and tokens can name them without a cycle.

use sea_orm::{DeriveActiveEnum, EnumIter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Application roles; also the `users.role` column (the table's CHECK: the same names).
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
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    /// Student / mentee / candidate.
    #[sea_orm(string_value = "USER")]
    User,
    /// Platform administrator.
    #[sea_orm(string_value = "ADMIN")]
    Admin,
    /// Administrator of everything, including platforms.
    #[sea_orm(string_value = "SUPERADMIN")]
    Superadmin,
    /// Approved mentor.
    #[sea_orm(string_value = "EXPERT")]
    Expert,
    /// Sales agent.
    #[sea_orm(string_value = "SALES")]
    Sales,
}

impl Role {
    /// ADMIN or SUPERADMIN.
    pub fn is_admin(self) -> bool {
        matches!(self, Role::Admin | Role::Superadmin)
    }
}

/// Capability flags that widen a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Capability {
    /// Finance portal.
    Finance,
    /// HR / recruiter.
    Hr,
    /// Community manager.
    Cm,
    /// Sales head.
    SalesHead,
    /// Batch lead.
    BatchLead,
    /// Super mentor.
    SuperMentor,
    /// Operations: the queue dashboard of the user's own platform (only a SUPERADMIN
    /// grants it; an ADMIN does not have it by role).
    Ops,
}

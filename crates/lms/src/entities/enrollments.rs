//! `enrollments`: one per user and course on a platform.

use sea_orm::entity::prelude::*;

use super::text_enum;

/// An enrolment.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "enrollments")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// Student.
    pub user_id: Uuid,
    /// Course.
    pub course_id: Uuid,
    /// Batch, once assigned.
    pub batch_id: Option<Uuid>,
    /// How it came about.
    pub source: EnrollmentSource,
    /// Active or revoked.
    pub status: EnrollmentStatus,
    /// The admin who granted it.
    pub granted_by: Option<Uuid>,
    /// The paid order behind it.
    pub order_id: Option<Uuid>,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Changed.
    pub updated_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

text_enum! {
    /// How an enrolment came about.
    EnrollmentSource {
        /// Granted by an admin.
        Grant = "grant",
        /// A captured payment.
        Payment = "payment",
        /// A bulk import.
        Import = "import",
    }
}

text_enum! {
    /// An enrolment's state.
    EnrollmentStatus {
        /// The student has access.
        Active = "active",
        /// Access withdrawn (refund, admin).
        Revoked = "revoked",
    }
}

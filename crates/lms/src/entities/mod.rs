//! The tables this crate owns.

pub mod batches;
pub mod course_items;
pub mod course_modules;
pub mod course_orders;
pub mod courses;
pub mod enrollments;
pub mod item_progress;

pub use course_items::ItemKind;
pub use courses::{CourseLevel, CourseStatus};
pub use enrollments::{EnrollmentSource, EnrollmentStatus};

pub mod attempt_answers;
pub mod attempt_questions;
pub mod learner_accommodations;
pub mod question_versions;
pub mod questions;
pub mod quiz_attempts;
pub mod quiz_invites;
pub mod quiz_questions;
pub mod quizzes;

pub use questions::{Difficulty, QuestionKind};
pub use quiz_attempts::AttemptStatus;
pub use quizzes::ReviewPolicy;

/// A text enum stored as its snake_case name, serialised the same way, documented in OpenAPI.
macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $value:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, sea_orm::EnumIter, sea_orm::DeriveActiveEnum,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema,
        )]
        #[sea_orm(rs_type = "String", db_type = "Text")]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vdoc])* #[sea_orm(string_value = $value)] $variant),+
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&sea_orm::ActiveEnum::to_value(self))
            }
        }
    };
}
pub(crate) use text_enum;

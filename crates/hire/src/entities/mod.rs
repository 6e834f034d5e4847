//! The tables this crate owns.

pub mod application_emails;
pub mod application_events;
pub mod application_notes;
pub mod application_quizzes;
pub mod application_ratings;
pub mod candidates;
pub mod interview_scorecards;
pub mod job_applications;
pub mod job_posts;
pub mod job_templates;
pub mod ozone_call_attempts;
pub mod ozone_call_configs;
pub mod ozone_calls;
pub mod resume_analyses;
pub mod resume_files;
pub mod resume_overrides;
pub mod review_requests;
pub mod screening_configs;
pub mod stage_templates;
pub mod voice_interviews;

pub use job_posts::PostStatus;

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

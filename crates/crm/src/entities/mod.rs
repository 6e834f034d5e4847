//! The crate's tables (migration band 80).

/// A text column with a closed set of values, as a Rust enum.
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

pub mod lead_activities;
pub mod lead_stage_history;
pub mod lead_tasks;
pub mod leads;
pub mod sales_agents;
pub mod sales_team_members;
pub mod sales_teams;
pub mod vendor_lead_quality;

pub use lead_activities::ActivityKind;
pub use leads::Stage;

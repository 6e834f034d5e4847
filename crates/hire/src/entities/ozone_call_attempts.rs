//! `ozone_call_attempts`: every dial of a Miss Ozone call (the daily cap counts them).

use sea_orm::entity::prelude::*;

/// A dial.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ozone_call_attempts")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// The call.
    pub call_id: Uuid,
    /// The person dialled.
    pub user_id: Uuid,
    /// 1, 2, ...
    pub attempt: i32,
    /// When.
    pub dialled_at: DateTimeUtc,
    /// ElevenLabs' conversation, when the dial reached it.
    pub conversation_id: Option<String>,
    /// Why it failed.
    pub error: Option<String>,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

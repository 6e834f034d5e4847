//! `meeting_logs`.

use sea_orm::entity::prelude::*;

/// One event of a meeting (started, ended, chat, recording).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting_logs")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The meeting.
    pub meeting_id: Uuid,
    /// What happened: `joined`, `started`, `chat`, `completed`, `cancelled`, … An open set,
    /// so a `String` and not an enum: the table only checks the length, and the kinds
    /// include values built at run time (`notice:<name>:<plan>` per reminder sent).
    pub kind: String,
    /// Who did it.
    pub actor_id: Option<Uuid>,
    /// Details.
    pub payload: Json,
    /// When.
    pub created_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

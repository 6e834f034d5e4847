//! `system_config`: runtime feature flags and cron toggles (the seed's SystemConfig),
//! one JSON value per key, read by any crate and changed by admins.

use chrono::Utc;
use sea_orm::{ConnectionTrait, EntityTrait, Set, sea_query::OnConflict};
use serde_json::{Value, json};

/// The `system_config` table.
pub mod entity {
    use sea_orm::entity::prelude::*;

    /// One configuration key.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "system_config")]
    pub struct Model {
        /// UPPER_SNAKE_CASE key.
        #[sea_orm(primary_key, auto_increment = false)]
        pub key: String,
        /// JSON value.
        pub value: Json,
        /// What the key controls.
        pub description: String,
        /// Last change.
        pub updated_at: DateTimeUtc,
        /// Who changed it last (null for seeded values).
        pub updated_by: Option<Uuid>,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Defaults seeded at boot when the key is absent (an admin's value is never overwritten).
pub fn defaults() -> Vec<(&'static str, Value, &'static str)> {
    vec![
        (
            "MRLEARN_NEW_STUDENT_SYNC_ENABLED",
            json!(false),
            "Run the Mr. Learn new-student fast sync",
        ),
        (
            "MRLEARN_NEW_STUDENT_SYNC_INTERVAL_HOURS",
            json!(6),
            "Hours between new-student fast syncs",
        ),
        (
            "TOKEN_GOVERNANCE_ENABLED",
            json!(false),
            "Enforce token governance rules (daily spend cap, hold duration)",
        ),
        (
            "TOKEN_DAILY_SPEND_CAP",
            json!(500),
            "With governance on: most tokens a user may commit to holds per UTC day",
        ),
        (
            "TOKEN_MAX_HOLD_HOURS",
            json!(720),
            "With governance on: longest a hold may stay pending before its settlement deadline",
        ),
        (
            "MENTOR_COMMISSION_PERCENT",
            json!(20),
            "Platform commission on completed sessions, percent",
        ),
        (
            "CANCELLATION_FREE_HOURS",
            json!(24),
            "A student cancelling at least this many hours ahead gets all tokens back",
        ),
        (
            "LATE_CANCELLATION_REFUND_PERCENT",
            json!(50),
            "Tokens a student gets back for a later cancellation, percent (the rest goes to the mentor)",
        ),
        (
            "MIN_PAYOUT_TOKENS",
            json!(100),
            "Smallest payout a mentor may request, in tokens",
        ),
        (
            "TOKEN_VALUE_PAISE",
            json!(1000),
            "What one earned token is worth when paid out, in paise",
        ),
        (
            "LEAD_AUTO_ASSIGNMENT_ENABLED",
            json!(false),
            "Run the lead auto-assignment worker",
        ),
    ]
}

/// Inserts missing defaults (one statement; no-op when all exist).
pub async fn seed_defaults(db: &impl ConnectionTrait) -> Result<(), sea_orm::DbErr> {
    let now = Utc::now();
    let rows = defaults()
        .into_iter()
        .map(|(key, value, description)| entity::ActiveModel {
            key: Set(key.to_owned()),
            value: Set(value),
            description: Set(description.to_owned()),
            updated_at: Set(now),
            updated_by: Set(None),
        });
    entity::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::column(entity::Column::Key)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Reads a key.
pub async fn get(db: &impl ConnectionTrait, key: &str) -> Result<Option<Value>, sea_orm::DbErr> {
    Ok(entity::Entity::find_by_id(key.to_owned())
        .one(db)
        .await?
        .map(|m| m.value))
}

/// Reads a boolean flag (absent or not a boolean: `default`).
pub async fn flag(
    db: &impl ConnectionTrait,
    key: &str,
    default: bool,
) -> Result<bool, sea_orm::DbErr> {
    Ok(get(db, key)
        .await?
        .and_then(|v| v.as_bool())
        .unwrap_or(default))
}

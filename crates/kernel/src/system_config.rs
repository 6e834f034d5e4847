//! `system_config`: runtime feature flags, cron toggles and business rules (the seed's
//! SystemConfig), one JSON value per key. Keys are declared ([`Key`]) by the crate that reads
//! them, with a type, limits, a default and a [`Scope`]: global keys have one value for the
//! deployment (SUPERADMIN changes it); per-platform keys (commission, cancellation policy,
//! payout minimum, token value…) have a value per platform in `platform_settings` (the
//! platform's ADMIN changes it), falling back to the `system_config` row.

use chrono::Utc;
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, Set, Statement, sea_query::OnConflict};
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;
use uuid::Uuid;

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

/// Whether a key has one value for every platform or a value per platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// One value for the whole deployment (cron toggles, integrations): SUPERADMIN only.
    Global,
    /// A business rule each platform sets for itself (its ADMIN); `system_config` holds the
    /// default of platforms that set nothing (SUPERADMIN).
    Platform,
}

/// The type and limits of a key's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `true` / `false`.
    Bool {
        /// Value when unset.
        default: bool,
    },
    /// An integer in `min..=max`.
    Int {
        /// Smallest value.
        min: i64,
        /// Largest value.
        max: i64,
        /// Value when unset.
        default: i64,
    },
}

/// A declared configuration key: each crate declares its own (`<crate>::settings::KEYS`) and
/// reads them through the typed getters; the gateway seeds and validates them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// UPPER_SNAKE_CASE name.
    pub name: &'static str,
    /// Global or per platform.
    pub scope: Scope,
    /// Type, limits and default.
    pub kind: Kind,
    /// What the key controls.
    pub description: &'static str,
}

impl Key {
    /// An integer key.
    pub const fn int(
        name: &'static str,
        scope: Scope,
        (min, max): (i64, i64),
        default: i64,
        description: &'static str,
    ) -> Self {
        Self {
            name,
            scope,
            kind: Kind::Int { min, max, default },
            description,
        }
    }

    /// A boolean key.
    pub const fn bool(
        name: &'static str,
        scope: Scope,
        default: bool,
        description: &'static str,
    ) -> Self {
        Self {
            name,
            scope,
            kind: Kind::Bool { default },
            description,
        }
    }

    /// The default as JSON.
    pub fn default_value(&self) -> Value {
        match self.kind {
            Kind::Bool { default } => json!(default),
            Kind::Int { default, .. } => json!(default),
        }
    }

    /// Whether `value` fits the key's type and limits; the message names what is wrong.
    pub fn check(&self, value: &Value) -> Result<(), String> {
        match self.kind {
            Kind::Bool { .. } if value.is_boolean() => Ok(()),
            Kind::Bool { .. } => Err("must be true or false".into()),
            Kind::Int { min, max, .. } => match value.as_i64() {
                Some(n) if (min..=max).contains(&n) => Ok(()),
                _ => Err(format!("must be an integer between {min} and {max}")),
            },
        }
    }

    /// The value in force on `platform_id`: the platform's own (per-platform keys), else the
    /// deployment's, else the default; a stored value that does not fit is ignored.
    pub async fn value(
        &self,
        conn: &impl ConnectionTrait,
        platform_id: Uuid,
    ) -> Result<Value, sea_orm::DbErr> {
        let stored = match self.scope {
            Scope::Platform => effective(conn, platform_id, self.name).await?,
            Scope::Global => get(conn, self.name).await?,
        };
        Ok(stored
            .filter(|v| self.check(v).is_ok())
            .unwrap_or_else(|| self.default_value()))
    }

    /// An SQL expression for whether this boolean key is on for the platform whose id is the
    /// placeholder `platform` (`$2`), as [`Key::bool_value`] reads it: the platform's own
    /// value, else the deployment's, else the default; a stored value that is not a boolean
    /// counts as the default. For a statement that acts on a switch without reading it in a
    /// round trip of its own.
    pub fn sql_is_on(&self, platform: &str) -> String {
        let default = match self.kind {
            Kind::Bool { default } => default,
            Kind::Int { .. } => false,
        };
        // the names are constants of the code; a quote in one would be a bug, not input
        assert!(
            self.name
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'),
            "setting names are UPPER_SNAKE_CASE"
        );
        let name = self.name;
        let stored = match self.scope {
            Scope::Platform => format!(
                "COALESCE((SELECT value FROM platform_settings
                            WHERE platform_id = {platform} AND key = '{name}'),
                          (SELECT value FROM system_config WHERE key = '{name}'))"
            ),
            Scope::Global => format!("(SELECT value FROM system_config WHERE key = '{name}')"),
        };
        format!(
            "(SELECT COALESCE(CASE WHEN jsonb_typeof(v) = 'boolean' THEN v::boolean END, {default})
                FROM (SELECT {stored} AS v) AS stored)"
        )
    }

    /// [`Key::value`] of an integer key.
    pub async fn int_value(
        &self,
        conn: &impl ConnectionTrait,
        platform_id: Uuid,
    ) -> Result<i64, sea_orm::DbErr> {
        let v = self.value(conn, platform_id).await?;
        Ok(v.as_i64().unwrap_or(match self.kind {
            Kind::Int { default, .. } => default,
            Kind::Bool { .. } => 0,
        }))
    }

    /// [`Key::value`] of a boolean key.
    pub async fn bool_value(
        &self,
        conn: &impl ConnectionTrait,
        platform_id: Uuid,
    ) -> Result<bool, sea_orm::DbErr> {
        Ok(self
            .value(conn, platform_id)
            .await?
            .as_bool()
            .unwrap_or(false))
    }
}

/// Process-wide keys that no domain crate owns yet (sync and assignment cron toggles).
pub const KEYS: &[Key] = &[
    Key::bool(
        "MRLEARN_NEW_STUDENT_SYNC_ENABLED",
        Scope::Global,
        false,
        "Run the Mr. Learn new-student fast sync",
    ),
    Key::int(
        "MRLEARN_NEW_STUDENT_SYNC_INTERVAL_HOURS",
        Scope::Global,
        (1, 168),
        6,
        "Hours between new-student fast syncs",
    ),
    Key::bool(
        "LEAD_AUTO_ASSIGNMENT_ENABLED",
        Scope::Global,
        false,
        "Run the lead auto-assignment worker",
    ),
];

/// Inserts the missing deployment-wide values of `keys` (one statement; no-op when all exist;
/// an admin's value is never overwritten).
pub async fn seed_defaults(db: &impl ConnectionTrait, keys: &[Key]) -> Result<(), sea_orm::DbErr> {
    if keys.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    let rows = keys.iter().map(|k| entity::ActiveModel {
        key: Set(k.name.to_owned()),
        value: Set(k.default_value()),
        description: Set(k.description.to_owned()),
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

/// The value of `key` in force on `platform_id`: the platform's own, else the deployment's.
pub async fn effective(
    conn: &impl ConnectionTrait,
    platform_id: Uuid,
    key: &str,
) -> Result<Option<Value>, sea_orm::DbErr> {
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT COALESCE(
                 (SELECT value FROM platform_settings WHERE platform_id = $1 AND key = $2),
                 (SELECT value FROM system_config WHERE key = $2)) AS value",
            [platform_id.into(), key.into()],
        ))
        .await?;
    match row {
        Some(r) => r.try_get::<Option<Value>>("", "value"),
        None => Ok(None),
    }
}

/// Every value a platform set for itself, by key (one statement).
pub async fn platform_values(
    conn: &impl ConnectionTrait,
    platform_id: Uuid,
) -> Result<std::collections::HashMap<String, Value>, sea_orm::DbErr> {
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT key, value FROM platform_settings WHERE platform_id = $1",
            [platform_id.into()],
        ))
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get::<String>("", "key")?,
                r.try_get::<Value>("", "value")?,
            ))
        })
        .collect()
}

/// A platform's own value of `key`, if it set one.
pub async fn platform_value(
    conn: &impl ConnectionTrait,
    platform_id: Uuid,
    key: &str,
) -> Result<Option<Value>, sea_orm::DbErr> {
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT value FROM platform_settings WHERE platform_id = $1 AND key = $2",
            [platform_id.into(), key.into()],
        ))
        .await?;
    match row {
        Some(r) => Ok(Some(r.try_get::<Value>("", "value")?)),
        None => Ok(None),
    }
}

/// Sets a platform's own value of `key`; returns the value it replaced.
pub async fn set_platform_value(
    conn: &impl ConnectionTrait,
    platform_id: Uuid,
    key: &str,
    value: &Value,
    by: Uuid,
) -> Result<Option<Value>, sea_orm::DbErr> {
    let before = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT value FROM platform_settings WHERE platform_id = $1 AND key = $2 FOR UPDATE",
            [platform_id.into(), key.into()],
        ))
        .await?
        .map(|r| r.try_get::<Value>("", "value"))
        .transpose()?;
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO platform_settings (platform_id, key, value, updated_at, updated_by)
         VALUES ($1, $2, $3, now(), $4)
         ON CONFLICT (platform_id, key)
         DO UPDATE SET value = EXCLUDED.value, updated_at = now(), updated_by = EXCLUDED.updated_by",
        [platform_id.into(), key.into(), value.clone().into(), by.into()],
    ))
    .await?;
    Ok(before)
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

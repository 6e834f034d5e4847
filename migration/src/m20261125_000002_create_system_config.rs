//! `system_config`: runtime flags and cron toggles (the seed's SystemConfig).

crate::sql_migration! {
    up: r#"
                CREATE TABLE system_config (
                    key          text PRIMARY KEY CHECK (key ~ '^[A-Z][A-Z0-9_]{0,99}$'),
                    value        jsonb NOT NULL,
                    description  text NOT NULL DEFAULT '',
                    updated_at   timestamptz NOT NULL DEFAULT now(),
                    updated_by   uuid
                );
                "#,
    down: "DROP TABLE system_config;",
}

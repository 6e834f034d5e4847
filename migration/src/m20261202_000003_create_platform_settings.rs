//! `platform_settings`: a platform's own value of a per-platform setting (commission,
//! cancellation policy, payout minimum, token value…); `system_config` keeps the default of
//! every platform. Changes are audited in `audit_log` with old and new value.

crate::sql_migration! {
    up: r#"
                CREATE TABLE platform_settings (
                    platform_id  uuid NOT NULL REFERENCES platforms (id) ON DELETE CASCADE,
                    key          text NOT NULL CHECK (key ~ '^[A-Z][A-Z0-9_]{0,99}$'),
                    value        jsonb NOT NULL,
                    updated_at   timestamptz NOT NULL DEFAULT now(),
                    updated_by   uuid,
                    PRIMARY KEY (platform_id, key)
                );
                "#,
    down: "DROP TABLE platform_settings;",
}

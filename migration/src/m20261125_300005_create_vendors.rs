//! `vendors`: machine clients with an API key (`mas_<prefix>_<secret>`), stored as the
//! SHA-256 of the key with the prefix for lookup; scoped to one platform; revocable.

crate::sql_migration! {
    up: r#"
                CREATE TABLE vendors (
                    id            uuid PRIMARY KEY,
                    platform_id   uuid NOT NULL REFERENCES platforms (id),
                    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
                    key_prefix    text NOT NULL UNIQUE CHECK (key_prefix ~ '^[a-z0-9]{8,16}$'),
                    key_hash      bytea NOT NULL CHECK (length(key_hash) = 32),
                    created_by    uuid REFERENCES users (id) ON DELETE SET NULL,
                    created_at    timestamptz NOT NULL DEFAULT now(),
                    revoked_at    timestamptz,
                    last_used_at  timestamptz
                );
                CREATE INDEX vendors_platform ON vendors (platform_id, id DESC);
                "#,
    down: "DROP TABLE vendors;",
}

//! `refresh_tokens`: opaque rotating refresh tokens, stored as SHA-256 hashes, grouped in
//! families; a spent token presented again revokes its family (ADR 0014).

crate::sql_migration! {
    up: r#"
                CREATE TABLE refresh_tokens (
                    id           uuid PRIMARY KEY,
                    family_id    uuid NOT NULL,
                    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    platform_id  uuid NOT NULL REFERENCES platforms (id),
                    token_hash   bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
                    created_at   timestamptz NOT NULL DEFAULT now(),
                    expires_at   timestamptz NOT NULL,
                    used_at      timestamptz,
                    revoked_at   timestamptz,
                    replaced_by  uuid,
                    user_agent   text,
                    ip           text,
                    CHECK (expires_at > created_at)
                );
                CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
                CREATE INDEX refresh_tokens_user_live ON refresh_tokens (user_id) WHERE revoked_at IS NULL;
                CREATE INDEX refresh_tokens_expires ON refresh_tokens (expires_at);
                "#,
    down: "DROP TABLE refresh_tokens;",
}

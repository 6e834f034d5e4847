//! `otp_codes` (emailed 6-digit sign-in codes, HMAC-hashed, limited tries) and
//! `password_resets` (emailed single-use links, SHA-256-hashed).

crate::sql_migration! {
    up: r#"
                CREATE TABLE otp_codes (
                    id           uuid PRIMARY KEY,
                    platform_id  uuid NOT NULL REFERENCES platforms (id),
                    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    code_hash    bytea NOT NULL CHECK (length(code_hash) = 32),
                    attempts     integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                    expires_at   timestamptz NOT NULL,
                    consumed_at  timestamptz,
                    created_at   timestamptz NOT NULL DEFAULT now()
                );
                CREATE INDEX otp_codes_user ON otp_codes (user_id, created_at DESC);
                CREATE INDEX otp_codes_expires ON otp_codes (expires_at);

                CREATE TABLE password_resets (
                    id           uuid PRIMARY KEY,
                    platform_id  uuid NOT NULL REFERENCES platforms (id),
                    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    token_hash   bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
                    expires_at   timestamptz NOT NULL,
                    used_at      timestamptz,
                    created_at   timestamptz NOT NULL DEFAULT now()
                );
                CREATE INDEX password_resets_user ON password_resets (user_id);
                CREATE INDEX password_resets_expires ON password_resets (expires_at);
                "#,
    down: "DROP TABLE password_resets; DROP TABLE otp_codes;",
}

//! `exotel_calls`: click-to-call calls placed through Exotel, updated by its status callback
//! (ADR 0012).

crate::sql_migration! {
    up: r#"
                CREATE TABLE exotel_calls (
                    id             uuid PRIMARY KEY,
                    platform_id    uuid NOT NULL REFERENCES platforms (id),
                    sid            text NOT NULL UNIQUE CHECK (length(sid) BETWEEN 1 AND 200),
                    from_number    text NOT NULL CHECK (length(from_number) BETWEEN 1 AND 32),
                    to_number      text NOT NULL CHECK (length(to_number) BETWEEN 1 AND 32),
                    caller_id      text NOT NULL CHECK (length(caller_id) BETWEEN 1 AND 32),
                    status         text NOT NULL CHECK (length(status) BETWEEN 1 AND 50),
                    duration_secs  integer CHECK (duration_secs >= 0),
                    recording_url  text,
                    created_by     uuid,
                    created_at     timestamptz NOT NULL DEFAULT now(),
                    updated_at     timestamptz NOT NULL DEFAULT now()
                );
                CREATE INDEX exotel_calls_platform_created
                    ON exotel_calls (platform_id, created_at DESC);
                CREATE INDEX exotel_calls_created_by
                    ON exotel_calls (platform_id, created_by, created_at DESC);
                "#,
    down: "DROP TABLE exotel_calls;",
}

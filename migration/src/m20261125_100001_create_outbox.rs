//! `outbox`: jobs and domain events written inside business transactions, relayed to BullMQ
//! after commit (ADR 0009).

crate::sql_migration! {
    up: r#"
                CREATE TABLE outbox (
                    id           uuid PRIMARY KEY,
                    platform_id  uuid REFERENCES platforms (id),
                    queue        text NOT NULL CHECK (length(queue) BETWEEN 1 AND 100),
                    job_name     text NOT NULL CHECK (length(job_name) BETWEEN 1 AND 200),
                    payload      jsonb NOT NULL,
                    delay_ms     bigint NOT NULL DEFAULT 0 CHECK (delay_ms >= 0),
                    created_at   timestamptz NOT NULL DEFAULT now(),
                    relayed_at   timestamptz,
                    attempts     integer NOT NULL DEFAULT 0,
                    last_error   text
                );
                CREATE INDEX outbox_pending ON outbox (created_at) WHERE relayed_at IS NULL;
                CREATE INDEX outbox_relayed ON outbox (relayed_at) WHERE relayed_at IS NOT NULL;
                "#,
    down: "DROP TABLE outbox;",
}

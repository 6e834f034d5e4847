//! Mentor payout requests: one open request per mentor at a time (a partial unique index),
//! paid ones linked to the ledger transfer that debited the mentor's earnings.

crate::sql_migration! {
    up: r#"
                CREATE TABLE payouts (
                    id            uuid PRIMARY KEY,
                    platform_id   uuid NOT NULL REFERENCES platforms (id),
                    mentor_id     uuid NOT NULL,
                    amount        bigint NOT NULL CHECK (amount > 0),
                    status        text NOT NULL CHECK (status IN ('requested', 'approved', 'rejected', 'paid')),
                    reference     text,
                    reason        text,
                    transfer_id   uuid REFERENCES ledger_transfers (id),
                    decided_by    uuid,
                    created_at    timestamptz NOT NULL DEFAULT now(),
                    updated_at    timestamptz NOT NULL DEFAULT now(),
                    CONSTRAINT payouts_paid CHECK ((status = 'paid') = (transfer_id IS NOT NULL AND reference IS NOT NULL))
                );
                CREATE UNIQUE INDEX payouts_one_open
                    ON payouts (platform_id, mentor_id) WHERE status IN ('requested', 'approved');
                CREATE INDEX payouts_status ON payouts (platform_id, status, created_at DESC);
                "#,
    down: "DROP TABLE payouts;",
}

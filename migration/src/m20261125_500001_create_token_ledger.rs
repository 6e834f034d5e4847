//! The token ledger (double entry): accounts with a kept balance that the database refuses to
//! take below zero where the rules forbid it, immutable transfers with an idempotency key
//! unique per platform, and holds that are later posted or voided (ADR 0030).

crate::sql_migration! {
    up: r#"
                CREATE TABLE ledger_accounts (
                    id              uuid PRIMARY KEY,
                    platform_id     uuid NOT NULL REFERENCES platforms (id),
                    kind            text NOT NULL CHECK (kind IN (
                                        'user_available', 'user_held', 'mentor_earnings',
                                        'platform_revenue', 'platform_purchases',
                                        'platform_grants', 'platform_payouts')),
                    owner_id        uuid,
                    balance         bigint NOT NULL DEFAULT 0,
                    allow_negative  boolean NOT NULL,
                    created_at      timestamptz NOT NULL DEFAULT now(),
                    updated_at      timestamptz NOT NULL DEFAULT now(),
                    CONSTRAINT ledger_accounts_owner CHECK (
                        (kind LIKE 'platform\_%') = (owner_id IS NULL)),
                    CONSTRAINT ledger_accounts_non_negative CHECK (allow_negative OR balance >= 0)
                );
                CREATE UNIQUE INDEX ledger_accounts_owned
                    ON ledger_accounts (platform_id, kind, owner_id) WHERE owner_id IS NOT NULL;
                CREATE UNIQUE INDEX ledger_accounts_platform
                    ON ledger_accounts (platform_id, kind) WHERE owner_id IS NULL;

                CREATE TABLE ledger_transfers (
                    id               uuid PRIMARY KEY,
                    platform_id      uuid NOT NULL REFERENCES platforms (id),
                    idempotency_key  text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 200),
                    kind             text NOT NULL CHECK (kind IN (
                                        'purchase', 'grant', 'correction', 'hold', 'hold_post',
                                        'hold_commission', 'hold_void', 'payout', 'payout_reversal')),
                    debit_account    uuid NOT NULL REFERENCES ledger_accounts (id),
                    credit_account   uuid NOT NULL REFERENCES ledger_accounts (id),
                    amount           bigint NOT NULL CHECK (amount > 0),
                    hold_id          uuid,
                    reason           text NOT NULL DEFAULT '',
                    metadata         jsonb NOT NULL DEFAULT '{}'::jsonb,
                    created_by       uuid,
                    created_at       timestamptz NOT NULL DEFAULT now(),
                    CONSTRAINT ledger_transfers_two_accounts CHECK (debit_account <> credit_account),
                    CONSTRAINT ledger_transfers_key UNIQUE (platform_id, idempotency_key)
                );
                CREATE INDEX ledger_transfers_debit ON ledger_transfers (debit_account, created_at DESC, id DESC);
                CREATE INDEX ledger_transfers_credit ON ledger_transfers (credit_account, created_at DESC, id DESC);

                CREATE FUNCTION ledger_transfers_immutable() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'ledger transfers are immutable; correct with a new transfer'
                        USING ERRCODE = 'restrict_violation';
                END $$;
                CREATE TRIGGER ledger_transfers_immutable
                    BEFORE UPDATE OR DELETE ON ledger_transfers
                    FOR EACH ROW EXECUTE FUNCTION ledger_transfers_immutable();

                CREATE TABLE ledger_holds (
                    id           uuid PRIMARY KEY,
                    platform_id  uuid NOT NULL REFERENCES platforms (id),
                    user_id      uuid NOT NULL,
                    amount       bigint NOT NULL CHECK (amount > 0),
                    status       text NOT NULL CHECK (status IN ('pending', 'posted', 'voided')),
                    reference    text NOT NULL,
                    expires_at   timestamptz,
                    posted       bigint NOT NULL DEFAULT 0 CHECK (posted >= 0),
                    refunded     bigint NOT NULL DEFAULT 0 CHECK (refunded >= 0),
                    created_at   timestamptz NOT NULL DEFAULT now(),
                    settled_at   timestamptz,
                    CONSTRAINT ledger_holds_settled CHECK (
                        (status = 'pending') = (settled_at IS NULL)
                        AND (status = 'pending' OR posted + refunded = amount))
                );
                CREATE INDEX ledger_holds_user ON ledger_holds (platform_id, user_id, status);
                CREATE UNIQUE INDEX ledger_holds_reference ON ledger_holds (platform_id, reference);
                "#,
    down: "DROP TABLE ledger_holds;
                 DROP TABLE ledger_transfers;
                 DROP FUNCTION ledger_transfers_immutable();
                 DROP TABLE ledger_accounts;",
}

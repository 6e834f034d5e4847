//! Token packs (admin-managed) and their purchases through Razorpay: orders and the
//! provider's webhook events (deduplicated by event id).

crate::sql_migration! {
    up: r#"
                CREATE TABLE token_packs (
                    id             uuid PRIMARY KEY,
                    platform_id    uuid NOT NULL REFERENCES platforms (id),
                    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
                    tokens         bigint NOT NULL CHECK (tokens > 0),
                    price_paise    bigint NOT NULL CHECK (price_paise > 0),
                    currency       text NOT NULL DEFAULT 'INR' CHECK (currency ~ '^[A-Z]{3}$'),
                    gst_inclusive  boolean NOT NULL DEFAULT true,
                    active         boolean NOT NULL DEFAULT true,
                    created_at     timestamptz NOT NULL DEFAULT now(),
                    updated_at     timestamptz NOT NULL DEFAULT now(),
                    CONSTRAINT token_packs_name UNIQUE (platform_id, name)
                );

                CREATE TABLE token_orders (
                    id                   uuid PRIMARY KEY,
                    platform_id          uuid NOT NULL REFERENCES platforms (id),
                    user_id              uuid NOT NULL,
                    pack_id              uuid NOT NULL REFERENCES token_packs (id),
                    tokens               bigint NOT NULL CHECK (tokens > 0),
                    amount_paise         bigint NOT NULL CHECK (amount_paise > 0),
                    currency             text NOT NULL,
                    razorpay_order_id    text NOT NULL UNIQUE,
                    razorpay_payment_id  text,
                    status               text NOT NULL CHECK (status IN ('created', 'paid', 'failed')),
                    failure_reason       text,
                    credited_transfer    uuid REFERENCES ledger_transfers (id),
                    created_at           timestamptz NOT NULL DEFAULT now(),
                    updated_at           timestamptz NOT NULL DEFAULT now(),
                    CONSTRAINT token_orders_paid CHECK (
                        (status = 'paid') = (credited_transfer IS NOT NULL))
                );
                CREATE INDEX token_orders_user ON token_orders (platform_id, user_id, created_at DESC);

                CREATE TABLE razorpay_events (
                    event_id     text PRIMARY KEY,
                    event        text NOT NULL,
                    received_at  timestamptz NOT NULL DEFAULT now(),
                    payload      jsonb NOT NULL
                );
                "#,
    down: "DROP TABLE razorpay_events; DROP TABLE token_orders; DROP TABLE token_packs;",
}

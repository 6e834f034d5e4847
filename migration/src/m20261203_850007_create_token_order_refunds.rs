//! The refunds applied to a token order, one row per (order, Razorpay refund id) (ADR 0068):
//! `tokens::purchases::reverse` inserts it first in the webhook's transaction and does
//! nothing more when it was already there, so the same refund delivered again under another
//! event id counts its paise once toward `token_orders.refunded_paise`, whether or not it
//! moved any tokens (a capped reversal with nothing available writes no transfer).

crate::sql_migration! {
    up: r#"
        CREATE TABLE token_order_refunds (
            order_id      uuid NOT NULL REFERENCES token_orders (id),
            refund_id     text NOT NULL CHECK (length(refund_id) BETWEEN 1 AND 200),
            platform_id   uuid NOT NULL REFERENCES platforms (id),
            amount_paise  bigint NOT NULL CHECK (amount_paise > 0),
            due           bigint NOT NULL CHECK (due >= 0),
            debited       bigint NOT NULL CHECK (debited >= 0 AND debited <= due),
            created_at    timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (order_id, refund_id)
        );
    "#,
    down: r#"
        DROP TABLE token_order_refunds;
    "#,
}

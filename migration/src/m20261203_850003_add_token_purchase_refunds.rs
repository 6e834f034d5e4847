//! Refunds of token purchases take the tokens back (ADR 0068): the token ledger gets the
//! transfer kind `purchase_refund` (the buyer's available tokens back to
//! `platform_purchases`), and `token_orders.refunded_paise` keeps how much of an order was
//! refunded so far, so that the tokens due for several partial refunds add up to the order's
//! tokens exactly (cumulative floor, under the order's row lock). Band 85: finance's refunds
//! are what write these; the tables stay tokens'.

crate::sql_migration! {
    up: r#"
        ALTER TABLE ledger_transfers DROP CONSTRAINT ledger_transfers_kind_check;
        ALTER TABLE ledger_transfers ADD CONSTRAINT ledger_transfers_kind_check CHECK (kind IN (
            'purchase', 'grant', 'correction', 'hold', 'hold_post',
            'hold_commission', 'hold_void', 'payout', 'payout_reversal', 'purchase_refund'));
        ALTER TABLE token_orders
            ADD COLUMN refunded_paise bigint NOT NULL DEFAULT 0,
            ADD CONSTRAINT token_orders_refunded CHECK (
                refunded_paise >= 0 AND refunded_paise <= amount_paise);
    "#,
    down: r#"
        ALTER TABLE token_orders DROP CONSTRAINT token_orders_refunded, DROP COLUMN refunded_paise;
        ALTER TABLE ledger_transfers DROP CONSTRAINT ledger_transfers_kind_check;
        ALTER TABLE ledger_transfers ADD CONSTRAINT ledger_transfers_kind_check CHECK (kind IN (
            'purchase', 'grant', 'correction', 'hold', 'hold_post',
            'hold_commission', 'hold_void', 'payout', 'payout_reversal'));
    "#,
}

//! Razorpay settlement reconciliation: one row per line of Razorpay's settlement report
//! (`razorpay_settlement_items`, keyed by Razorpay's entity id so a day fetched twice is
//! stored once), with what it matched (the invoice of a payment, the refund and its credit
//! note), the fee and the GST on it (input tax credit), and whether it matched. A line that
//! matched nothing has no platform (the Razorpay account is the deployment's).

crate::sql_migration! {
    up: r#"
        CREATE TABLE razorpay_settlement_items (
            entity_id      text PRIMARY KEY CHECK (length(entity_id) BETWEEN 1 AND 64),
            kind           text NOT NULL CHECK (length(kind) BETWEEN 1 AND 40),
            platform_id    uuid REFERENCES platforms (id),
            invoice_id     uuid REFERENCES invoices (id),
            refund_id      uuid REFERENCES refunds (id),
            payment_id     text,
            settlement_id  text,
            amount_paise   bigint NOT NULL,
            fee_paise      bigint NOT NULL DEFAULT 0 CHECK (fee_paise >= 0),
            tax_paise      bigint NOT NULL DEFAULT 0 CHECK (tax_paise >= 0 AND tax_paise <= fee_paise),
            settled_at     timestamptz,
            recon_day      date NOT NULL,
            status         text NOT NULL CHECK (status IN ('matched', 'mismatch', 'unmatched')),
            note           text NOT NULL DEFAULT '' CHECK (length(note) <= 300),
            created_at     timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX razorpay_settlement_items_platform ON razorpay_settlement_items (platform_id, recon_day);
        CREATE INDEX razorpay_settlement_items_open ON razorpay_settlement_items (recon_day) WHERE status <> 'matched';
        CREATE INDEX razorpay_settlement_items_invoice ON razorpay_settlement_items (invoice_id) WHERE invoice_id IS NOT NULL;
    "#,
    down: r#"
        DROP TABLE razorpay_settlement_items;
    "#,
}

//! Refunds, credit notes and the finance ledger: `refunds` (one per Razorpay refund asked
//! for, at most once per `Idempotency-Key` of a platform, never more than the invoice's
//! total in sum: the service checks under the invoice's row lock), `credit_notes` and
//! `credit_note_lines` (numbered from `invoice_counters` in their own series, reconciling
//! like invoices) and `finance_ledger` (append-only entries in paise: revenue, GST payable by
//! type, refunds, each naming the document it comes from).

crate::sql_migration! {
    up: r#"
        CREATE TABLE refunds (
            id                  uuid PRIMARY KEY,
            platform_id         uuid NOT NULL REFERENCES platforms (id),
            invoice_id          uuid NOT NULL REFERENCES invoices (id),
            razorpay_payment_id text NOT NULL,
            amount_paise        bigint NOT NULL CHECK (amount_paise > 0),
            reason              text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
            status              text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'processed', 'failed')),
            razorpay_refund_id  text UNIQUE,
            idempotency_key     text CHECK (length(idempotency_key) <= 200),
            requested_by        uuid REFERENCES users (id),
            created_at          timestamptz NOT NULL DEFAULT now(),
            processed_at        timestamptz,
            CONSTRAINT refunds_idempotency_unique UNIQUE (platform_id, idempotency_key)
        );
        CREATE INDEX refunds_invoice ON refunds (invoice_id);

        CREATE TABLE credit_notes (
            id               uuid PRIMARY KEY,
            platform_id      uuid NOT NULL REFERENCES platforms (id),
            invoice_id       uuid NOT NULL REFERENCES invoices (id),
            refund_id        uuid REFERENCES refunds (id),
            number           text NOT NULL CHECK (number ~ '^[A-Z1-9][A-Z0-9/-]{0,15}$' AND length(number) <= 14),
            series           text NOT NULL,
            fy               text NOT NULL,
            seq              bigint NOT NULL CHECK (seq >= 1),
            issued_at        timestamptz NOT NULL,
            supplier_gstin   text NOT NULL,
            place_of_supply  text NOT NULL CHECK (place_of_supply ~ '^[0-9]{2}$'),
            classification   text NOT NULL CHECK (classification IN ('b2b', 'b2cl', 'b2cs')),
            reason           text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
            taxable_paise    bigint NOT NULL CHECK (taxable_paise >= 0),
            cgst_paise       bigint NOT NULL CHECK (cgst_paise >= 0),
            sgst_paise       bigint NOT NULL CHECK (sgst_paise >= 0),
            igst_paise       bigint NOT NULL CHECK (igst_paise >= 0),
            total_paise      bigint NOT NULL,
            created_at       timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT credit_notes_number_unique UNIQUE (supplier_gstin, number),
            CONSTRAINT credit_notes_refund_unique UNIQUE (refund_id),
            CHECK (cgst_paise = sgst_paise),
            CHECK (total_paise = taxable_paise + cgst_paise + sgst_paise + igst_paise)
        );
        CREATE INDEX credit_notes_platform_issued ON credit_notes (platform_id, issued_at DESC, id DESC);

        CREATE TABLE credit_note_lines (
            id              uuid PRIMARY KEY,
            credit_note_id  uuid NOT NULL REFERENCES credit_notes (id) ON DELETE CASCADE,
            position        integer NOT NULL CHECK (position >= 0),
            description     text NOT NULL,
            sac             text NOT NULL CHECK (sac ~ '^[0-9]{4,8}$'),
            rate_bp         integer NOT NULL CHECK (rate_bp BETWEEN 0 AND 4000),
            taxable_paise   bigint NOT NULL CHECK (taxable_paise >= 0),
            cgst_paise      bigint NOT NULL CHECK (cgst_paise >= 0),
            sgst_paise      bigint NOT NULL CHECK (sgst_paise >= 0),
            igst_paise      bigint NOT NULL CHECK (igst_paise >= 0),
            total_paise     bigint NOT NULL,
            CONSTRAINT credit_note_lines_position_unique UNIQUE (credit_note_id, position),
            CHECK (total_paise = taxable_paise + cgst_paise + sgst_paise + igst_paise)
        );

        CREATE TABLE finance_ledger (
            id              uuid PRIMARY KEY,
            platform_id     uuid NOT NULL REFERENCES platforms (id),
            account         text NOT NULL CHECK (account IN
                                ('revenue', 'cgst_payable', 'sgst_payable', 'igst_payable', 'receivable', 'refunds', 'fees', 'payouts', 'costs')),
            amount_paise    bigint NOT NULL,
            invoice_id      uuid REFERENCES invoices (id),
            credit_note_id  uuid REFERENCES credit_notes (id),
            refund_id       uuid REFERENCES refunds (id),
            memo            text NOT NULL DEFAULT '' CHECK (length(memo) <= 300),
            created_at      timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX finance_ledger_platform ON finance_ledger (platform_id, created_at, id);
        CREATE INDEX finance_ledger_invoice ON finance_ledger (invoice_id) WHERE invoice_id IS NOT NULL;
    "#,
    down: r#"
        DROP TABLE finance_ledger;
        DROP TABLE credit_note_lines;
        DROP TABLE credit_notes;
        DROP TABLE refunds;
    "#,
}

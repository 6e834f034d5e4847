//! Finance's invoicing tables: `finance_supplier_settings` (a platform's override of the
//! supplier GSTIN, state, legal name and series; the environment gives the defaults),
//! `billing_profiles` (a buyer's name, optional GSTIN, state and address per platform),
//! `invoice_counters` (one gapless sequence per supplier GSTIN, series and financial year,
//! advanced under a row lock in the invoice's own transaction: no SQL sequence, which would
//! leak numbers on rollback), `invoices` (exactly one per paid order, a number unique per
//! supplier GSTIN, totals that CHECK-reconcile) and `invoice_lines`.

crate::sql_migration! {
    up: r#"
        CREATE TABLE finance_supplier_settings (
            platform_id         uuid PRIMARY KEY REFERENCES platforms (id),
            gstin               text NOT NULL CHECK (gstin ~ '^[0-9]{2}[A-Z0-9]{10}[1-9A-Z]Z[0-9A-Z]$'),
            state_code          text NOT NULL CHECK (state_code ~ '^[0-9]{2}$'),
            legal_name          text NOT NULL CHECK (length(legal_name) BETWEEN 1 AND 200),
            invoice_series      text NOT NULL CHECK (invoice_series ~ '^[A-Z1-9][A-Z0-9-]{0,1}$'),
            credit_note_series  text NOT NULL CHECK (credit_note_series ~ '^[A-Z1-9][A-Z0-9-]{0,1}$'),
            updated_by          uuid REFERENCES users (id),
            updated_at          timestamptz NOT NULL DEFAULT now(),
            CHECK (substr(gstin, 1, 2) = state_code),
            CHECK (invoice_series <> credit_note_series)
        );

        CREATE TABLE billing_profiles (
            id           uuid PRIMARY KEY,
            platform_id  uuid NOT NULL REFERENCES platforms (id),
            user_id      uuid NOT NULL REFERENCES users (id),
            legal_name   text NOT NULL CHECK (length(legal_name) BETWEEN 1 AND 200),
            gstin        text CHECK (gstin ~ '^[0-9]{2}[A-Z0-9]{10}[1-9A-Z]Z[0-9A-Z]$'),
            state_code   text CHECK (state_code ~ '^[0-9]{2}$'),
            address      text NOT NULL DEFAULT '' CHECK (length(address) <= 500),
            created_at   timestamptz NOT NULL DEFAULT now(),
            updated_at   timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT billing_profiles_user_unique UNIQUE (platform_id, user_id),
            CHECK (gstin IS NULL OR substr(gstin, 1, 2) = state_code)
        );

        CREATE TABLE invoice_counters (
            supplier_gstin  text NOT NULL,
            series          text NOT NULL,
            fy              text NOT NULL CHECK (fy ~ '^[0-9]{2}-[0-9]{2}$'),
            next_seq        bigint NOT NULL CHECK (next_seq >= 1),
            updated_at      timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (supplier_gstin, series, fy)
        );

        CREATE TABLE invoices (
            id                   uuid PRIMARY KEY,
            platform_id          uuid NOT NULL REFERENCES platforms (id),
            order_id             uuid NOT NULL,
            user_id              uuid NOT NULL REFERENCES users (id),
            item                 text NOT NULL CHECK (length(item) BETWEEN 1 AND 64),
            item_id              uuid NOT NULL,
            razorpay_payment_id  text NOT NULL CHECK (length(razorpay_payment_id) BETWEEN 1 AND 64),
            number               text NOT NULL CHECK (number ~ '^[A-Z1-9][A-Z0-9/-]{0,15}$' AND length(number) <= 14),
            series               text NOT NULL,
            fy                   text NOT NULL,
            seq                  bigint NOT NULL CHECK (seq >= 1),
            issued_at            timestamptz NOT NULL,
            supplier_gstin       text NOT NULL,
            supplier_state       text NOT NULL,
            supplier_name        text NOT NULL,
            buyer_name           text NOT NULL,
            buyer_gstin          text,
            buyer_state          text,
            buyer_address        text NOT NULL DEFAULT '',
            place_of_supply      text NOT NULL CHECK (place_of_supply ~ '^[0-9]{2}$'),
            classification       text NOT NULL CHECK (classification IN ('b2b', 'b2cl', 'b2cs')),
            gst_inclusive        boolean NOT NULL,
            currency             text NOT NULL CHECK (currency = 'INR'),
            taxable_paise        bigint NOT NULL CHECK (taxable_paise >= 0),
            cgst_paise           bigint NOT NULL CHECK (cgst_paise >= 0),
            sgst_paise           bigint NOT NULL CHECK (sgst_paise >= 0),
            igst_paise           bigint NOT NULL CHECK (igst_paise >= 0),
            total_paise          bigint NOT NULL,
            pdf_key              text CHECK (length(pdf_key) <= 1024),
            created_at           timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT invoices_order_unique UNIQUE (platform_id, order_id),
            CONSTRAINT invoices_number_unique UNIQUE (supplier_gstin, number),
            CONSTRAINT invoices_seq_unique UNIQUE (supplier_gstin, series, fy, seq),
            CHECK (cgst_paise = sgst_paise),
            CHECK (igst_paise = 0 OR cgst_paise = 0),
            CHECK (total_paise = taxable_paise + cgst_paise + sgst_paise + igst_paise)
        );
        CREATE INDEX invoices_platform_issued ON invoices (platform_id, issued_at DESC, id DESC);
        CREATE INDEX invoices_user ON invoices (platform_id, user_id, issued_at DESC, id DESC);

        CREATE TABLE invoice_lines (
            id             uuid PRIMARY KEY,
            invoice_id     uuid NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
            position       integer NOT NULL CHECK (position >= 0),
            description    text NOT NULL CHECK (length(description) BETWEEN 1 AND 300),
            sac            text NOT NULL CHECK (sac ~ '^[0-9]{4,8}$'),
            rate_bp        integer NOT NULL CHECK (rate_bp BETWEEN 0 AND 4000),
            quantity       integer NOT NULL CHECK (quantity >= 1),
            taxable_paise  bigint NOT NULL CHECK (taxable_paise >= 0),
            cgst_paise     bigint NOT NULL CHECK (cgst_paise >= 0),
            sgst_paise     bigint NOT NULL CHECK (sgst_paise >= 0),
            igst_paise     bigint NOT NULL CHECK (igst_paise >= 0),
            total_paise    bigint NOT NULL,
            CONSTRAINT invoice_lines_position_unique UNIQUE (invoice_id, position),
            CHECK (cgst_paise = sgst_paise),
            CHECK (total_paise = taxable_paise + cgst_paise + sgst_paise + igst_paise)
        );
    "#,
    down: r#"
        DROP TABLE invoice_lines;
        DROP TABLE invoices;
        DROP TABLE invoice_counters;
        DROP TABLE billing_profiles;
        DROP TABLE finance_supplier_settings;
    "#,
}

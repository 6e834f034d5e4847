//! Pipeline cost and the accounts it needs: `finance_costs` (costs other than the AI calls,
//! entered by FINANCE: infrastructure, vendors, salaries, other; in paise, dated by the IST day
//! they were incurred), the finance ledger's new accounts (`payables`: what the platform owes
//! for costs and payouts; `input_gst`: GST paid on services bought, e.g. Razorpay's fees, to
//! be claimed as input tax credit; `bank`: money settled to or paid from the bank account),
//! the link of an entry to its cost, and `source_key`, unique per platform and account, so a
//! posting made by a job (a day's AI cost, a paid payout) is written once however often the
//! job runs. `finance_payouts`: finance's copy of tokens' mentor payouts, kept from the
//! `payout.changed` events (status only moves forward), for the outstanding payouts report
//! and the ledger entry of a paid one.

crate::sql_migration! {
    up: r#"
        CREATE TABLE finance_costs (
            id            uuid PRIMARY KEY,
            platform_id   uuid NOT NULL REFERENCES platforms (id),
            category      text NOT NULL CHECK (category IN ('infrastructure', 'vendor', 'salaries', 'marketing', 'other')),
            description   text NOT NULL CHECK (length(description) BETWEEN 1 AND 300),
            amount_paise  bigint NOT NULL CHECK (amount_paise > 0),
            incurred_on   date NOT NULL,
            created_by    uuid REFERENCES users (id),
            created_at    timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX finance_costs_platform ON finance_costs (platform_id, incurred_on, id);

        ALTER TABLE finance_ledger DROP CONSTRAINT finance_ledger_account_check;
        ALTER TABLE finance_ledger ADD CONSTRAINT finance_ledger_account_check CHECK (account IN
            ('revenue', 'cgst_payable', 'sgst_payable', 'igst_payable', 'receivable', 'refunds',
             'fees', 'payouts', 'costs', 'payables', 'input_gst', 'bank'));
        ALTER TABLE finance_ledger
            ADD COLUMN cost_id uuid REFERENCES finance_costs (id),
            ADD COLUMN source_key text CHECK (length(source_key) BETWEEN 1 AND 200);
        CREATE UNIQUE INDEX finance_ledger_source_key
            ON finance_ledger (platform_id, source_key, account) WHERE source_key IS NOT NULL;

        CREATE TABLE finance_payouts (
            payout_id     uuid PRIMARY KEY,
            platform_id   uuid NOT NULL REFERENCES platforms (id),
            mentor_id     uuid NOT NULL,
            status        text NOT NULL CHECK (status IN ('requested', 'approved', 'rejected', 'paid')),
            tokens        bigint NOT NULL CHECK (tokens > 0),
            value_paise   bigint NOT NULL CHECK (value_paise >= 0),
            requested_at  timestamptz NOT NULL,
            settled_at    timestamptz,
            updated_at    timestamptz NOT NULL
        );
        CREATE INDEX finance_payouts_status ON finance_payouts (platform_id, status, requested_at);
    "#,
    down: r#"
        DROP TABLE finance_payouts;
        DROP INDEX finance_ledger_source_key;
        ALTER TABLE finance_ledger DROP COLUMN source_key, DROP COLUMN cost_id;
        ALTER TABLE finance_ledger DROP CONSTRAINT finance_ledger_account_check;
        ALTER TABLE finance_ledger ADD CONSTRAINT finance_ledger_account_check CHECK (account IN
            ('revenue', 'cgst_payable', 'sgst_payable', 'igst_payable', 'receivable', 'refunds',
             'fees', 'payouts', 'costs'));
        DROP TABLE finance_costs;
    "#,
}

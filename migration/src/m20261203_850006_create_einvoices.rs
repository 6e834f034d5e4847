//! E-invoices (ADR 0071): one row per B2B invoice or credit note reported to the IRP when the
//! supplier is above the e-invoicing threshold on the document's date. The schema 1.1 JSON as
//! sent, whether it passed validation (`invalid` with the errors: never sent), the IRP's answer
//! (IRN, acknowledgement number and time, signed QR code) and the 24-hour cancellation window
//! (`cancel_until` = acknowledgement + 24 h).

crate::sql_migration! {
    up: r#"
        CREATE TABLE einvoices (
            id              uuid PRIMARY KEY,
            platform_id     uuid NOT NULL REFERENCES platforms (id),
            doc_type        text NOT NULL CHECK (doc_type IN ('INV', 'CRN')),
            invoice_id      uuid REFERENCES invoices (id),
            credit_note_id  uuid REFERENCES credit_notes (id),
            payload         jsonb NOT NULL,
            status          text NOT NULL CHECK (status IN ('invalid', 'queued', 'generated', 'rejected', 'cancelled')),
            errors          jsonb NOT NULL DEFAULT '[]'::jsonb,
            irn             text CHECK (length(irn) = 64),
            ack_no          text,
            ack_at          timestamptz,
            signed_qr       text,
            cancel_until    timestamptz,
            cancelled_at    timestamptz,
            created_at      timestamptz NOT NULL DEFAULT now(),
            updated_at      timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT einvoices_document CHECK (
                (doc_type = 'INV' AND invoice_id IS NOT NULL AND credit_note_id IS NULL)
                OR (doc_type = 'CRN' AND credit_note_id IS NOT NULL)),
            CONSTRAINT einvoices_generated CHECK (
                status NOT IN ('generated', 'cancelled') OR (irn IS NOT NULL AND cancel_until IS NOT NULL)),
            CONSTRAINT einvoices_credit_note_unique UNIQUE (credit_note_id)
        );
        CREATE UNIQUE INDEX einvoices_invoice_unique ON einvoices (invoice_id) WHERE doc_type = 'INV';
        CREATE INDEX einvoices_platform ON einvoices (platform_id, created_at DESC);
    "#,
    down: r#"
        DROP TABLE einvoices;
    "#,
}

//! PAP / MOU agreements signed through Leegality (band 80, ADR 0067): `lead_agreements` (one
//! agreement for a lead: its kind, the terms it was rendered from, the generated and the
//! signed PDF's storage keys, Leegality's document id, the status `generated` -> `sent` ->
//! `signed` / `declined` / `expired`), `leegality_webhook_events` (one row per delivered
//! event: a redelivery changes nothing).

crate::sql_migration! {
    up: r#"
        CREATE TABLE lead_agreements (
            id              uuid PRIMARY KEY,
            platform_id     uuid NOT NULL REFERENCES platforms (id),
            lead_id         uuid NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
            kind            text NOT NULL CHECK (kind IN ('pap', 'mou')),
            status          text NOT NULL CHECK (status IN ('generated', 'sent', 'signed', 'declined', 'expired')),
            terms           jsonb NOT NULL,
            pdf_key         text NOT NULL CHECK (length(pdf_key) <= 1024),
            signed_pdf_key  text CHECK (length(signed_pdf_key) <= 1024),
            document_id     text UNIQUE CHECK (length(document_id) BETWEEN 1 AND 200),
            signing_url     text CHECK (length(signing_url) <= 2048),
            created_by      uuid NOT NULL REFERENCES users (id),
            sent_at         timestamptz,
            signed_at       timestamptz,
            recovered_at    timestamptz,
            created_at      timestamptz NOT NULL DEFAULT now(),
            updated_at      timestamptz NOT NULL DEFAULT now(),
            CHECK (status = 'generated' OR document_id IS NOT NULL),
            CHECK (status <> 'signed' OR signed_pdf_key IS NOT NULL)
        );
        CREATE INDEX lead_agreements_lead ON lead_agreements (lead_id, created_at DESC);
        CREATE INDEX lead_agreements_sent ON lead_agreements (sent_at) WHERE status = 'sent';

        CREATE TABLE leegality_webhook_events (
            event_key    text PRIMARY KEY CHECK (length(event_key) <= 300),
            agreement_id uuid NOT NULL REFERENCES lead_agreements (id) ON DELETE CASCADE,
            received_at  timestamptz NOT NULL DEFAULT now()
        );
    "#,
    down: r#"
        DROP TABLE leegality_webhook_events;
        DROP TABLE lead_agreements;
    "#,
}

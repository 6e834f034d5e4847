//! `whatsapp_messages` (every message sent or received through the WhatsApp Cloud API) and
//! `whatsapp_status_events` (delivery statuses from the webhook, one row per message and
//! status, so a redelivered webhook changes nothing). ADR 0012.

crate::sql_migration! {
    up: r#"
                CREATE TABLE whatsapp_messages (
                    id             uuid PRIMARY KEY,
                    platform_id    uuid NOT NULL REFERENCES platforms (id),
                    direction      text NOT NULL CHECK (direction IN ('outbound', 'inbound')),
                    wa_message_id  text UNIQUE CHECK (length(wa_message_id) BETWEEN 1 AND 200),
                    peer           text NOT NULL CHECK (length(peer) BETWEEN 1 AND 32),
                    kind           text NOT NULL CHECK (length(kind) BETWEEN 1 AND 50),
                    body           text,
                    template_name  text,
                    payload        jsonb NOT NULL DEFAULT '{}'::jsonb,
                    status         text NOT NULL CHECK (length(status) BETWEEN 1 AND 50),
                    error          jsonb,
                    created_by     uuid,
                    created_at     timestamptz NOT NULL DEFAULT now(),
                    updated_at     timestamptz NOT NULL DEFAULT now()
                );
                CREATE INDEX whatsapp_messages_platform_created
                    ON whatsapp_messages (platform_id, created_at DESC);
                CREATE INDEX whatsapp_messages_platform_peer
                    ON whatsapp_messages (platform_id, peer, created_at DESC);

                CREATE TABLE whatsapp_status_events (
                    id             uuid PRIMARY KEY,
                    platform_id    uuid NOT NULL REFERENCES platforms (id),
                    wa_message_id  text NOT NULL CHECK (length(wa_message_id) BETWEEN 1 AND 200),
                    status         text NOT NULL CHECK (length(status) BETWEEN 1 AND 50),
                    recipient      text,
                    occurred_at    timestamptz,
                    errors         jsonb,
                    received_at    timestamptz NOT NULL DEFAULT now(),
                    CONSTRAINT whatsapp_status_events_once UNIQUE (wa_message_id, status)
                );
                CREATE INDEX whatsapp_status_events_platform
                    ON whatsapp_status_events (platform_id, received_at DESC);
                "#,
    down: "DROP TABLE whatsapp_status_events; DROP TABLE whatsapp_messages;",
}

//! Campaigns and inbound WhatsApp on the timeline (band 80, ADR 0078): `crm_campaigns` (name,
//! source, UTM campaign, budget in paise, dates; one per platform and name and per platform
//! and lower-cased UTM campaign), `leads.campaign_id` (the campaign a lead is attributed to:
//! its UTM campaign on arrival or an admin's explicit choice), and a unique index that keeps
//! an inbound WhatsApp message once on a lead's timeline however often its event is delivered.

crate::sql_migration! {
    up: r#"
        CREATE TABLE crm_campaigns (
            id           uuid PRIMARY KEY,
            platform_id  uuid NOT NULL REFERENCES platforms (id),
            name         text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 120),
            source       text NOT NULL CHECK (length(btrim(source)) BETWEEN 1 AND 80),
            utm_campaign text NOT NULL CHECK (length(btrim(utm_campaign)) BETWEEN 1 AND 200),
            budget_paise bigint NOT NULL DEFAULT 0 CHECK (budget_paise >= 0),
            starts_on    date NOT NULL,
            ends_on      date,
            created_by   uuid REFERENCES users (id),
            created_at   timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT crm_campaigns_name_unique UNIQUE (platform_id, name),
            CHECK (ends_on IS NULL OR ends_on >= starts_on)
        );
        CREATE UNIQUE INDEX crm_campaigns_utm_unique
            ON crm_campaigns (platform_id, lower(utm_campaign));

        ALTER TABLE leads ADD COLUMN campaign_id uuid REFERENCES crm_campaigns (id);
        CREATE INDEX leads_campaign ON leads (campaign_id, created_at DESC, id DESC)
            WHERE campaign_id IS NOT NULL;

        CREATE UNIQUE INDEX lead_activities_inbound_whatsapp_once
            ON lead_activities (lead_id, (data->>'inbound_message_id'))
            WHERE kind = 'whatsapp' AND data ? 'inbound_message_id';
    "#,
    down: r#"
        DROP INDEX lead_activities_inbound_whatsapp_once;
        DROP INDEX leads_campaign;
        ALTER TABLE leads DROP COLUMN campaign_id;
        DROP TABLE crm_campaigns;
    "#,
}

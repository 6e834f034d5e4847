//! Discounts with approval limits (band 80, ADR 0076): `lead_discounts` (one proposal on a
//! lead's course deal: the list price and where it came from, the discount in paise and in
//! basis points, who proposed it, the status `approved` / `pending` / `rejected`, who may
//! decide it and who did). At most one pending proposal per lead. The timeline learns the
//! kinds `discount` and `agreement` (ADR 0067).

crate::sql_migration! {
    up: r#"
        CREATE TABLE lead_discounts (
            id               uuid PRIMARY KEY,
            platform_id      uuid NOT NULL REFERENCES platforms (id),
            lead_id          uuid NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
            proposed_by      uuid NOT NULL REFERENCES users (id),
            list_price_paise bigint NOT NULL CHECK (list_price_paise BETWEEN 1 AND 100000000000),
            price_source     text NOT NULL CHECK (price_source IN ('course', 'stated')),
            kind             text NOT NULL CHECK (kind IN ('amount', 'percent')),
            value            bigint NOT NULL CHECK (value >= 1),
            discount_paise   bigint NOT NULL CHECK (discount_paise >= 1 AND discount_paise <= list_price_paise),
            discount_bp      integer NOT NULL CHECK (discount_bp BETWEEN 1 AND 10000),
            reason           text CHECK (length(reason) <= 1000),
            status           text NOT NULL CHECK (status IN ('approved', 'pending', 'rejected')),
            auto_approved    boolean NOT NULL DEFAULT false,
            approver_role    text CHECK (approver_role IN ('sales_head', 'admin')),
            decided_by       uuid REFERENCES users (id),
            decided_at       timestamptz,
            decision_reason  text CHECK (length(decision_reason) <= 1000),
            created_at       timestamptz NOT NULL DEFAULT now(),
            CHECK ((status = 'pending') = (decided_at IS NULL))
        );
        CREATE INDEX lead_discounts_lead ON lead_discounts (lead_id, created_at DESC);
        CREATE INDEX lead_discounts_pending ON lead_discounts (platform_id, created_at DESC)
            WHERE status = 'pending';
        CREATE UNIQUE INDEX lead_discounts_one_pending ON lead_discounts (lead_id)
            WHERE status = 'pending';

        ALTER TABLE lead_activities DROP CONSTRAINT lead_activities_kind_check;
        ALTER TABLE lead_activities ADD CONSTRAINT lead_activities_kind_check
            CHECK (kind IN ('created', 're_inquiry', 'note', 'stage_changed', 'assigned',
                            'reassigned', 'call', 'whatsapp', 'task', 'email', 'webhook',
                            'field_changed', 'send_blocked', 'preferences', 'merged', 'unmerged',
                            'sla_reassigned', 'discount', 'agreement'));
    "#,
    down: r#"
        DELETE FROM lead_activities WHERE kind IN ('discount', 'agreement');
        ALTER TABLE lead_activities DROP CONSTRAINT lead_activities_kind_check;
        ALTER TABLE lead_activities ADD CONSTRAINT lead_activities_kind_check
            CHECK (kind IN ('created', 're_inquiry', 'note', 'stage_changed', 'assigned',
                            'reassigned', 'call', 'whatsapp', 'task', 'email', 'webhook',
                            'field_changed', 'send_blocked', 'preferences', 'merged', 'unmerged',
                            'sla_reassigned'));
        DROP TABLE lead_discounts;
    "#,
}

//! The workflow engine's second part (band 80): lead fields the steps and conditions read and
//! write (`course`, `language`, `region`), the contact preferences checked before a send
//! (`dnd`, `whatsapp_consent`), the run's cursor (`next_step`: branches jump, waits resume at
//! the next step) and its wake-up time (`resume_at`: the stale-run sweeper leaves a waiting
//! run alone), step statuses `blocked` (a send refused by a check, visible) and `deferred`
//! (quiet hours), the platform's approved WhatsApp templates, and the schedule trigger's slots
//! (one per workflow and period, claimed once).

crate::sql_migration! {
    up: r#"
        ALTER TABLE leads
            ADD COLUMN course text CHECK (length(course) <= 120),
            ADD COLUMN language text CHECK (length(language) <= 40),
            ADD COLUMN region text CHECK (length(region) <= 80),
            ADD COLUMN dnd boolean NOT NULL DEFAULT false,
            ADD COLUMN whatsapp_consent boolean;

        ALTER TABLE workflow_runs
            ADD COLUMN next_step text CHECK (length(next_step) <= 32),
            ADD COLUMN resume_at timestamptz;

        ALTER TABLE workflow_run_steps DROP CONSTRAINT workflow_run_steps_status_check;
        ALTER TABLE workflow_run_steps ADD CONSTRAINT workflow_run_steps_status_check
            CHECK (status IN ('running', 'done', 'failed', 'blocked', 'deferred'));

        ALTER TABLE lead_activities DROP CONSTRAINT lead_activities_kind_check;
        ALTER TABLE lead_activities ADD CONSTRAINT lead_activities_kind_check
            CHECK (kind IN ('created', 're_inquiry', 'note', 'stage_changed', 'assigned',
                            'reassigned', 'call', 'whatsapp', 'task', 'email', 'webhook',
                            'field_changed', 'send_blocked', 'preferences', 'merged', 'unmerged',
                            'sla_reassigned'));

        CREATE TABLE crm_whatsapp_templates (
            platform_id uuid NOT NULL REFERENCES platforms (id),
            name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 512),
            language    text NOT NULL CHECK (length(language) BETWEEN 2 AND 15),
            approved    boolean NOT NULL,
            updated_by  uuid REFERENCES users (id),
            updated_at  timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (platform_id, name, language)
        );

        CREATE TABLE workflow_schedule_slots (
            workflow_id uuid NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
            slot        bigint NOT NULL,
            created_at  timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (workflow_id, slot)
        );
    "#,
    down: r#"
        DROP TABLE workflow_schedule_slots;
        DROP TABLE crm_whatsapp_templates;
        ALTER TABLE lead_activities DROP CONSTRAINT lead_activities_kind_check;
        ALTER TABLE lead_activities ADD CONSTRAINT lead_activities_kind_check
            CHECK (kind IN ('created', 're_inquiry', 'note', 'stage_changed', 'assigned',
                            'reassigned', 'call', 'whatsapp', 'task'));
        ALTER TABLE workflow_run_steps DROP CONSTRAINT workflow_run_steps_status_check;
        ALTER TABLE workflow_run_steps ADD CONSTRAINT workflow_run_steps_status_check
            CHECK (status IN ('running', 'done', 'failed'));
        ALTER TABLE workflow_runs DROP COLUMN resume_at, DROP COLUMN next_step;
        ALTER TABLE leads DROP COLUMN whatsapp_consent, DROP COLUMN dnd, DROP COLUMN region,
            DROP COLUMN language, DROP COLUMN course;
    "#,
}

//! The sales CRM (band 80): `leads` with one lead per platform and E.164 phone and per
//! platform and canonical email (unique partial indexes: concurrent ingestion of the same
//! person inserts once, `INSERT .. ON CONFLICT DO NOTHING`), the timeline `lead_activities`,
//! `lead_stage_history` (time in stage), `lead_tasks` (follow-ups with a due time),
//! `sales_teams` and `sales_team_members` (a SALES_HEAD and their agents), `sales_agents`
//! (active, capacity, weight and the counters of the weighted round-robin),
//! `lead_assignment_cursors` (one row per platform, locked while a lead is assigned) and
//! `vendor_lead_quality` (per vendor: leads created and re-inquiries, never dropped).

crate::sql_migration! {
    up: r#"
        CREATE TABLE sales_teams (
            id           uuid PRIMARY KEY,
            platform_id  uuid NOT NULL REFERENCES platforms (id),
            name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
            head_id      uuid NOT NULL REFERENCES users (id),
            created_at   timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT sales_teams_name_unique UNIQUE (platform_id, name)
        );
        CREATE INDEX sales_teams_head ON sales_teams (platform_id, head_id);

        CREATE TABLE sales_team_members (
            team_id      uuid NOT NULL REFERENCES sales_teams (id) ON DELETE CASCADE,
            platform_id  uuid NOT NULL REFERENCES platforms (id),
            user_id      uuid NOT NULL REFERENCES users (id),
            created_at   timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (team_id, user_id),
            CONSTRAINT sales_team_members_one_team UNIQUE (platform_id, user_id)
        );

        CREATE TABLE sales_agents (
            user_id          uuid PRIMARY KEY REFERENCES users (id),
            platform_id      uuid NOT NULL REFERENCES platforms (id),
            active           boolean NOT NULL DEFAULT true,
            capacity         integer NOT NULL DEFAULT 200 CHECK (capacity BETWEEN 0 AND 100000),
            weight           integer NOT NULL DEFAULT 1 CHECK (weight BETWEEN 1 AND 100),
            open_leads       integer NOT NULL DEFAULT 0 CHECK (open_leads >= 0),
            assigned_total   bigint NOT NULL DEFAULT 0,
            last_assigned_at timestamptz,
            created_at       timestamptz NOT NULL DEFAULT now(),
            updated_at       timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX sales_agents_pick ON sales_agents (platform_id) WHERE active;

        CREATE TABLE lead_assignment_cursors (
            platform_id  uuid PRIMARY KEY REFERENCES platforms (id),
            turns        bigint NOT NULL DEFAULT 0,
            updated_at   timestamptz NOT NULL DEFAULT now()
        );

        CREATE TABLE leads (
            id               uuid PRIMARY KEY,
            platform_id      uuid NOT NULL REFERENCES platforms (id),
            full_name        text NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
            phone_e164       text NOT NULL CHECK (phone_e164 ~ '^\+[1-9][0-9]{6,14}$'),
            email_canonical  text CHECK (length(email_canonical) BETWEEN 3 AND 320),
            source           text NOT NULL CHECK (length(source) BETWEEN 1 AND 80),
            campaign         text CHECK (length(campaign) <= 200),
            form             text CHECK (length(form) <= 80),
            utm              jsonb NOT NULL DEFAULT '{}'::jsonb,
            extra            jsonb NOT NULL DEFAULT '{}'::jsonb,
            stage            text NOT NULL DEFAULT 'new'
                             CHECK (stage IN ('new', 'contacted', 'qualified', 'negotiation', 'won', 'lost')),
            stage_changed_at timestamptz NOT NULL DEFAULT now(),
            owner_id         uuid REFERENCES users (id),
            assigned_at      timestamptz,
            vendor_id        uuid REFERENCES vendors (id),
            reinquiries      integer NOT NULL DEFAULT 0,
            created_at       timestamptz NOT NULL DEFAULT now(),
            updated_at       timestamptz NOT NULL DEFAULT now()
        );
        CREATE UNIQUE INDEX leads_phone_unique ON leads (platform_id, phone_e164);
        CREATE UNIQUE INDEX leads_email_unique ON leads (platform_id, email_canonical)
            WHERE email_canonical IS NOT NULL;
        CREATE INDEX leads_list ON leads (platform_id, created_at DESC, id DESC);
        CREATE INDEX leads_owner ON leads (platform_id, owner_id, created_at DESC, id DESC);
        CREATE INDEX leads_unassigned ON leads (platform_id, created_at)
            WHERE owner_id IS NULL AND stage NOT IN ('won', 'lost');

        CREATE TABLE lead_activities (
            id           uuid PRIMARY KEY,
            platform_id  uuid NOT NULL REFERENCES platforms (id),
            lead_id      uuid NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
            kind         text NOT NULL CHECK (kind IN ('created', 're_inquiry', 'note', 'stage_changed',
                                                        'assigned', 'reassigned', 'call', 'whatsapp', 'task')),
            actor_id     uuid REFERENCES users (id),
            vendor_id    uuid REFERENCES vendors (id),
            source       text CHECK (length(source) <= 80),
            body         text CHECK (length(body) <= 5000),
            data         jsonb NOT NULL DEFAULT '{}'::jsonb,
            created_at   timestamptz NOT NULL DEFAULT clock_timestamp()
        );
        CREATE INDEX lead_activities_lead ON lead_activities (lead_id, created_at, id);

        CREATE TABLE lead_stage_history (
            id           uuid PRIMARY KEY,
            platform_id  uuid NOT NULL REFERENCES platforms (id),
            lead_id      uuid NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
            stage        text NOT NULL,
            entered_at   timestamptz NOT NULL,
            left_at      timestamptz,
            changed_by   uuid REFERENCES users (id),
            note         text CHECK (length(note) <= 5000),
            CHECK (left_at IS NULL OR left_at >= entered_at)
        );
        CREATE INDEX lead_stage_history_lead ON lead_stage_history (lead_id, entered_at, id);
        CREATE UNIQUE INDEX lead_stage_history_open ON lead_stage_history (lead_id) WHERE left_at IS NULL;

        CREATE TABLE lead_tasks (
            id           uuid PRIMARY KEY,
            platform_id  uuid NOT NULL REFERENCES platforms (id),
            lead_id      uuid NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
            assignee_id  uuid REFERENCES users (id),
            title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
            due_at       timestamptz NOT NULL,
            done_at      timestamptz,
            created_by   uuid REFERENCES users (id),
            created_at   timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX lead_tasks_lead ON lead_tasks (lead_id, due_at, id);
        CREATE INDEX lead_tasks_due ON lead_tasks (platform_id, due_at) WHERE done_at IS NULL;

        CREATE TABLE vendor_lead_quality (
            vendor_id     uuid PRIMARY KEY REFERENCES vendors (id),
            platform_id   uuid NOT NULL REFERENCES platforms (id),
            leads_created bigint NOT NULL DEFAULT 0,
            duplicates    bigint NOT NULL DEFAULT 0,
            updated_at    timestamptz NOT NULL DEFAULT now()
        );
    "#,
    down: r#"
        DROP TABLE vendor_lead_quality;
        DROP TABLE lead_tasks;
        DROP TABLE lead_stage_history;
        DROP TABLE lead_activities;
        DROP TABLE leads;
        DROP TABLE lead_assignment_cursors;
        DROP TABLE sales_agents;
        DROP TABLE sales_team_members;
        DROP TABLE sales_teams;
    "#,
}

//! The CRM's lead merge, rule-based assignment and speed-to-lead SLA (band 80):
//! `leads.merged_into` (a merged lead points at the lead it became part of; a re-inquiry with
//! its phone or email lands on that lead), `lead_merges` (what each merge moved, so it can be
//! undone exactly), `lead_assignment_rules` (course / source / language / region to a team or
//! an agent, tried by priority before the round-robin), `leads.sla_reassigned_at` (the SLA
//! re-assigns an untouched lead once), `lead_tasks.reminded_at`.

crate::sql_migration! {
    up: r#"
        ALTER TABLE leads
            ADD COLUMN merged_into uuid REFERENCES leads (id),
            ADD COLUMN sla_reassigned_at timestamptz;
        CREATE INDEX leads_merged_into ON leads (merged_into) WHERE merged_into IS NOT NULL;

        CREATE TABLE lead_merges (
            id                 uuid PRIMARY KEY,
            platform_id        uuid NOT NULL REFERENCES platforms (id),
            source_id          uuid NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
            target_id          uuid NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
            moved_activities   uuid[] NOT NULL DEFAULT '{}',
            moved_tasks        uuid[] NOT NULL DEFAULT '{}',
            source_owner_id    uuid,
            merged_by          uuid REFERENCES users (id),
            merged_at          timestamptz NOT NULL DEFAULT now(),
            undone_by          uuid REFERENCES users (id),
            undone_at          timestamptz,
            CHECK (source_id <> target_id)
        );
        CREATE UNIQUE INDEX lead_merges_open ON lead_merges (source_id) WHERE undone_at IS NULL;

        CREATE TABLE lead_assignment_rules (
            id          uuid PRIMARY KEY,
            platform_id uuid NOT NULL REFERENCES platforms (id),
            priority    integer NOT NULL CHECK (priority BETWEEN 0 AND 10000),
            course      text CHECK (length(course) BETWEEN 1 AND 120),
            source      text CHECK (length(source) BETWEEN 1 AND 120),
            language    text CHECK (length(language) BETWEEN 1 AND 40),
            region      text CHECK (length(region) BETWEEN 1 AND 80),
            team_id     uuid REFERENCES sales_teams (id) ON DELETE CASCADE,
            agent_id    uuid REFERENCES users (id),
            created_by  uuid REFERENCES users (id),
            created_at  timestamptz NOT NULL DEFAULT now(),
            CHECK ((team_id IS NULL) <> (agent_id IS NULL)),
            CHECK (num_nonnulls(course, source, language, region) >= 1)
        );
        CREATE INDEX lead_assignment_rules_platform ON lead_assignment_rules (platform_id, priority, created_at);

        ALTER TABLE lead_tasks ADD COLUMN reminded_at timestamptz;
    "#,
    down: r#"
        ALTER TABLE lead_tasks DROP COLUMN reminded_at;
        DROP TABLE lead_assignment_rules;
        DROP TABLE lead_merges;
        DROP INDEX leads_merged_into;
        ALTER TABLE leads DROP COLUMN sla_reassigned_at, DROP COLUMN merged_into;
    "#,
}

//! The CRM's workflow engine (band 80): `workflows` (a draft trigger and steps),
//! `workflow_versions` (immutable, one per publish), `workflow_runs` (each pinned to the
//! version that started it; one run per workflow, lead and trigger event), `workflow_run_steps`
//! (each step's status, attempts, output, error) and `workflow_effects` (the effect ledger:
//! one row per `run_id:step_id`, written in the transaction that performs the effect).

crate::sql_migration! {
    up: r#"
        CREATE TABLE workflows (
            id              uuid PRIMARY KEY,
            platform_id     uuid NOT NULL REFERENCES platforms (id),
            name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
            trigger         jsonb NOT NULL,
            steps           jsonb NOT NULL,
            current_version integer,
            created_by      uuid REFERENCES users (id),
            created_at      timestamptz NOT NULL DEFAULT now(),
            updated_at      timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT workflows_name_unique UNIQUE (platform_id, name)
        );

        CREATE TABLE workflow_versions (
            id           uuid PRIMARY KEY,
            platform_id  uuid NOT NULL REFERENCES platforms (id),
            workflow_id  uuid NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
            version      integer NOT NULL CHECK (version >= 1),
            trigger      jsonb NOT NULL,
            steps        jsonb NOT NULL,
            published_by uuid REFERENCES users (id),
            published_at timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT workflow_versions_unique UNIQUE (workflow_id, version)
        );
        CREATE INDEX workflow_versions_live ON workflow_versions (platform_id, workflow_id, version DESC);

        CREATE TABLE workflow_runs (
            id           uuid PRIMARY KEY,
            platform_id  uuid NOT NULL REFERENCES platforms (id),
            workflow_id  uuid NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
            version_id   uuid NOT NULL REFERENCES workflow_versions (id),
            version      integer NOT NULL,
            lead_id      uuid NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
            trigger_key  text NOT NULL CHECK (length(trigger_key) <= 200),
            depth        integer NOT NULL DEFAULT 0,
            status       text NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'cancelled')),
            error        text CHECK (length(error) <= 2000),
            created_at   timestamptz NOT NULL DEFAULT now(),
            updated_at   timestamptz NOT NULL DEFAULT now(),
            finished_at  timestamptz,
            CONSTRAINT workflow_runs_once UNIQUE (workflow_id, lead_id, trigger_key)
        );
        CREATE INDEX workflow_runs_list ON workflow_runs (workflow_id, created_at DESC, id DESC);
        CREATE INDEX workflow_runs_running ON workflow_runs (updated_at) WHERE status = 'running';

        CREATE TABLE workflow_run_steps (
            run_id       uuid NOT NULL REFERENCES workflow_runs (id) ON DELETE CASCADE,
            step_id      text NOT NULL,
            position     integer NOT NULL,
            kind         text NOT NULL,
            status       text NOT NULL CHECK (status IN ('running', 'done', 'failed')),
            attempts     integer NOT NULL DEFAULT 0,
            output       jsonb,
            error        text CHECK (length(error) <= 2000),
            started_at   timestamptz NOT NULL DEFAULT now(),
            finished_at  timestamptz,
            PRIMARY KEY (run_id, step_id)
        );

        CREATE TABLE workflow_effects (
            key          text PRIMARY KEY,
            platform_id  uuid NOT NULL REFERENCES platforms (id),
            run_id       uuid NOT NULL REFERENCES workflow_runs (id) ON DELETE CASCADE,
            step_id      text NOT NULL,
            kind         text NOT NULL,
            result       jsonb NOT NULL DEFAULT '{}'::jsonb,
            created_at   timestamptz NOT NULL DEFAULT now()
        );
    "#,
    down: r#"
        DROP TABLE workflow_effects;
        DROP TABLE workflow_run_steps;
        DROP TABLE workflow_runs;
        DROP TABLE workflow_versions;
        DROP TABLE workflows;
    "#,
}

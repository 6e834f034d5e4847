//! Miss Ozone (band 75): the voice mentor's call configurations (`ozone_call_configs`, the
//! seed's `HrCallConfig`), the calls to students (`ozone_calls`, a queue in a table: due
//! calls are claimed with one conditional update, so two replicas never dial the same call)
//! and every dial (`ozone_call_attempts`, which the daily cap per person counts).

crate::sql_migration! {
    up: r#"
        CREATE TABLE ozone_call_configs (
            id                    uuid PRIMARY KEY,
            platform_id           uuid NOT NULL REFERENCES platforms (id),
            name                  text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
            agent_id              text NOT NULL CHECK (length(agent_id) BETWEEN 1 AND 200),
            purpose               text NOT NULL DEFAULT '' CHECK (length(purpose) <= 2000),
            daily_cap_per_person  integer NOT NULL CHECK (daily_cap_per_person BETWEEN 1 AND 10),
            max_attempts          integer NOT NULL CHECK (max_attempts BETWEEN 1 AND 10),
            retry_backoff_secs    integer NOT NULL CHECK (retry_backoff_secs BETWEEN 60 AND 86400),
            active                boolean NOT NULL DEFAULT true,
            created_by            uuid REFERENCES users (id) ON DELETE SET NULL,
            created_at            timestamptz NOT NULL DEFAULT now(),
            updated_at            timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT ozone_call_configs_name_unique UNIQUE (platform_id, name)
        );
        CREATE TABLE ozone_calls (
            id               uuid PRIMARY KEY,
            platform_id      uuid NOT NULL REFERENCES platforms (id),
            config_id        uuid NOT NULL REFERENCES ozone_call_configs (id),
            user_id          uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            status           text NOT NULL CHECK (status IN
                                 ('queued', 'dialling', 'dispatched', 'completed', 'failed', 'cancelled')),
            attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
            next_attempt_at  timestamptz NOT NULL,
            conversation_id  text CHECK (length(conversation_id) BETWEEN 1 AND 200),
            transcript       jsonb,
            evaluation       jsonb,
            last_error       text CHECK (length(last_error) <= 500),
            requested_by     uuid REFERENCES users (id) ON DELETE SET NULL,
            created_at       timestamptz NOT NULL DEFAULT now(),
            updated_at       timestamptz NOT NULL DEFAULT now(),
            dispatched_at    timestamptz,
            completed_at     timestamptz,
            completed_via    text CHECK (completed_via IN ('webhook', 'sync')),
            pruned_at        timestamptz,
            CONSTRAINT ozone_calls_conversation_unique UNIQUE (conversation_id),
            CHECK ((status = 'completed') = (completed_at IS NOT NULL))
        );
        CREATE INDEX ozone_calls_due ON ozone_calls (next_attempt_at) WHERE status = 'queued';
        CREATE INDEX ozone_calls_dispatched ON ozone_calls (dispatched_at) WHERE status IN ('dispatched', 'dialling');
        CREATE INDEX ozone_calls_list ON ozone_calls (platform_id, created_at DESC, id DESC);
        CREATE INDEX ozone_calls_prune ON ozone_calls (completed_at) WHERE transcript IS NOT NULL;
        CREATE TABLE ozone_call_attempts (
            id               uuid PRIMARY KEY,
            platform_id      uuid NOT NULL REFERENCES platforms (id),
            call_id          uuid NOT NULL REFERENCES ozone_calls (id) ON DELETE CASCADE,
            user_id          uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            attempt          integer NOT NULL CHECK (attempt >= 1),
            dialled_at       timestamptz NOT NULL DEFAULT now(),
            conversation_id  text CHECK (length(conversation_id) BETWEEN 1 AND 200),
            error            text CHECK (length(error) <= 500),
            CONSTRAINT ozone_call_attempts_once UNIQUE (call_id, attempt)
        );
        CREATE INDEX ozone_call_attempts_person_day ON ozone_call_attempts (platform_id, user_id, dialled_at);
    "#,
    down: r#"
        DROP TABLE ozone_call_attempts;
        DROP TABLE ozone_calls;
        DROP TABLE ozone_call_configs;
    "#,
}

//! The LLM gateway (integrations, band 40): each platform's agent configuration (an ordered
//! list of provider entries as JSON), its sealed provider credentials, and one record per
//! provider attempt (tokens, latency, cost in paise, outcome) for the admin and finance.

crate::sql_migration! {
    up: r#"
        CREATE TABLE ai_agent_configs (
            id           uuid PRIMARY KEY,
            platform_id  uuid NOT NULL REFERENCES platforms (id),
            agent        text NOT NULL CHECK (agent IN ('resume_screening', 'course_plan', 'student_profile_summary', 'workflow_text')),
            providers    jsonb NOT NULL CHECK (jsonb_typeof(providers) = 'array'),
            updated_by   uuid,
            updated_at   timestamptz NOT NULL DEFAULT now(),
            UNIQUE (platform_id, agent)
        );
        CREATE TABLE ai_credentials (
            platform_id  uuid NOT NULL REFERENCES platforms (id),
            name         text NOT NULL CHECK (name IN ('openai', 'anthropic', 'gemini', 'groq')),
            sealed       text NOT NULL,
            updated_by   uuid,
            updated_at   timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (platform_id, name)
        );
        CREATE TABLE ai_calls (
            id              uuid PRIMARY KEY,
            platform_id     uuid NOT NULL REFERENCES platforms (id),
            agent           text NOT NULL CHECK (agent IN ('resume_screening', 'course_plan', 'student_profile_summary', 'workflow_text')),
            provider        text NOT NULL CHECK (provider IN ('openai', 'anthropic', 'gemini', 'groq')),
            model           text NOT NULL,
            prompt_version  text NOT NULL,
            tokens_in       bigint NOT NULL DEFAULT 0 CHECK (tokens_in >= 0),
            tokens_out      bigint NOT NULL DEFAULT 0 CHECK (tokens_out >= 0),
            latency_ms      bigint NOT NULL DEFAULT 0 CHECK (latency_ms >= 0),
            cost_paise      bigint NOT NULL DEFAULT 0 CHECK (cost_paise >= 0),
            outcome         text NOT NULL CHECK (outcome IN ('ok', 'timeout', 'rate_limited', 'server_error', 'client_error', 'not_configured', 'invalid_output', 'refused_budget')),
            request_id      text,
            created_at      timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX ai_calls_platform_created ON ai_calls (platform_id, created_at DESC, id DESC);
    "#,
    down: r#"
        DROP TABLE ai_calls;
        DROP TABLE ai_credentials;
        DROP TABLE ai_agent_configs;
    "#,
}

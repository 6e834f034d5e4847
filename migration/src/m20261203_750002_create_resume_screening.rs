//! Mr. Hire's AI resume screening (band 75): `screening_configs` (one per platform: the
//! rubric, its version, the agent's prompt version is recorded per analysis), `resume_analyses`
//! (every screening of an application, with the model, prompt and rubric versions and the hash
//! of the redacted text the model saw), `resume_overrides` (a human's score with a reason; one
//! per application, replaced by a newer override, never by a re-screen).

crate::sql_migration! {
    up: r#"
        CREATE TABLE screening_configs (
            platform_id     uuid PRIMARY KEY REFERENCES platforms (id),
            rubric          jsonb NOT NULL CHECK (jsonb_typeof(rubric) = 'array' AND jsonb_array_length(rubric) BETWEEN 1 AND 20),
            rubric_version  integer NOT NULL CHECK (rubric_version >= 1),
            enabled         boolean NOT NULL DEFAULT true,
            updated_by      uuid REFERENCES users (id),
            updated_at      timestamptz NOT NULL DEFAULT now()
        );

        CREATE TABLE resume_analyses (
            id               uuid PRIMARY KEY,
            platform_id      uuid NOT NULL REFERENCES platforms (id),
            application_id   uuid NOT NULL REFERENCES job_applications (id) ON DELETE CASCADE,
            score            integer NOT NULL CHECK (score BETWEEN 0 AND 100),
            summary          text NOT NULL CHECK (length(summary) <= 4000),
            criteria         jsonb NOT NULL CHECK (jsonb_typeof(criteria) = 'array'),
            strengths        jsonb NOT NULL CHECK (jsonb_typeof(strengths) = 'array'),
            gaps             jsonb NOT NULL CHECK (jsonb_typeof(gaps) = 'array'),
            rubric           jsonb NOT NULL CHECK (jsonb_typeof(rubric) = 'array'),
            rubric_version   integer NOT NULL CHECK (rubric_version >= 1),
            provider         text NOT NULL CHECK (length(provider) BETWEEN 1 AND 40),
            model            text NOT NULL CHECK (length(model) BETWEEN 1 AND 100),
            prompt_version   text NOT NULL CHECK (length(prompt_version) BETWEEN 1 AND 40),
            input_sha256     text NOT NULL CHECK (input_sha256 ~ '^[0-9a-f]{64}$'),
            created_at       timestamptz NOT NULL DEFAULT clock_timestamp()
        );
        CREATE INDEX resume_analyses_application ON resume_analyses (application_id, created_at DESC, id DESC);

        CREATE TABLE resume_overrides (
            application_id  uuid PRIMARY KEY REFERENCES job_applications (id) ON DELETE CASCADE,
            platform_id     uuid NOT NULL REFERENCES platforms (id),
            score           integer NOT NULL CHECK (score BETWEEN 0 AND 100),
            reason          text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
            actor_id        uuid NOT NULL REFERENCES users (id),
            created_at      timestamptz NOT NULL DEFAULT now()
        );
    "#,
    down: r#"
        DROP TABLE resume_overrides;
        DROP TABLE resume_analyses;
        DROP TABLE screening_configs;
    "#,
}

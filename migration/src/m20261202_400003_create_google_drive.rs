//! Google Drive connector (integrations, band 40): one connection per user and platform (the
//! sealed refresh token, the scope granted, and the last access token, sealed, with its
//! expiry so it is reused until it runs out). Also lets `ai_calls` record the credential
//! proxy's calls (agent `proxy`), which arrived in the same change (issue 10).

crate::sql_migration! {
    up: r#"
        CREATE TABLE google_drive_connections (
            id                    uuid PRIMARY KEY,
            platform_id           uuid NOT NULL REFERENCES platforms (id),
            user_id               uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            refresh_token_sealed  text NOT NULL,
            access_token_sealed   text,
            access_expires_at     timestamptz,
            scope                 text NOT NULL,
            connected_at          timestamptz NOT NULL DEFAULT now(),
            UNIQUE (platform_id, user_id)
        );
        ALTER TABLE ai_calls DROP CONSTRAINT ai_calls_agent_check;
        ALTER TABLE ai_calls ADD CONSTRAINT ai_calls_agent_check
            CHECK (agent IN ('resume_screening', 'course_plan', 'student_profile_summary', 'workflow_text', 'proxy'));
    "#,
    down: r#"
        DELETE FROM ai_calls WHERE agent = 'proxy';
        ALTER TABLE ai_calls DROP CONSTRAINT ai_calls_agent_check;
        ALTER TABLE ai_calls ADD CONSTRAINT ai_calls_agent_check
            CHECK (agent IN ('resume_screening', 'course_plan', 'student_profile_summary', 'workflow_text'));
        DROP TABLE google_drive_connections;
    "#,
}

//! Mr. Hire's voice interviews (band 75): `voice_interviews`, one ElevenLabs conversation
//! (the Aarya agent calling the candidate) per row, completed once by the signed webhook or by
//! the `aaryaSyncQueue` reconciler, whichever comes first.

crate::sql_migration! {
    up: r#"
        CREATE TABLE voice_interviews (
            id               uuid PRIMARY KEY,
            platform_id      uuid NOT NULL REFERENCES platforms (id),
            application_id   uuid NOT NULL REFERENCES job_applications (id) ON DELETE CASCADE,
            conversation_id  text NOT NULL CHECK (length(conversation_id) BETWEEN 1 AND 200),
            status           text NOT NULL CHECK (status IN ('dispatched', 'completed', 'failed')),
            transcript       jsonb,
            evaluation       jsonb,
            recording_key    text CHECK (length(recording_key) <= 1024),
            dispatched_by    uuid REFERENCES users (id),
            created_at       timestamptz NOT NULL DEFAULT now(),
            completed_at     timestamptz,
            completed_via    text CHECK (completed_via IN ('webhook', 'sync')),
            CONSTRAINT voice_interviews_conversation_unique UNIQUE (conversation_id),
            CHECK ((status = 'completed') = (completed_at IS NOT NULL))
        );
        CREATE INDEX voice_interviews_application ON voice_interviews (application_id, created_at);
        CREATE INDEX voice_interviews_pending ON voice_interviews (created_at) WHERE status = 'dispatched';
    "#,
    down: r#"
        DROP TABLE voice_interviews;
    "#,
}

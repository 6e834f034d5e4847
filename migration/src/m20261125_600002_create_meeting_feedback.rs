//! Feedback of a completed meeting by its student (one per meeting); it feeds the mentor's
//! rating.

crate::sql_migration! {
    up: r#"
        CREATE TABLE meeting_feedback (
            meeting_id   uuid PRIMARY KEY REFERENCES meetings (id),
            platform_id  uuid NOT NULL REFERENCES platforms (id),
            mentor_id    uuid NOT NULL REFERENCES mentor_profiles (id),
            student_id   uuid NOT NULL,
            rating       smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
            comment      text NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
            created_at   timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX meeting_feedback_mentor ON meeting_feedback (mentor_id, created_at DESC);
    "#,
    down: "DROP TABLE meeting_feedback;",
}

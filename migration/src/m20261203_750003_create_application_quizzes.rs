//! Mr. Hire's candidate quizzes (band 75): `application_quizzes` links an application to the
//! LMS quiz invite sent to its candidate at a stage (one per application and quiz).

crate::sql_migration! {
    up: r#"
        CREATE TABLE application_quizzes (
            id              uuid PRIMARY KEY,
            platform_id     uuid NOT NULL REFERENCES platforms (id),
            application_id  uuid NOT NULL REFERENCES job_applications (id) ON DELETE CASCADE,
            quiz_id         uuid NOT NULL REFERENCES quizzes (id),
            invite_id       uuid NOT NULL REFERENCES quiz_invites (id),
            stage           text NOT NULL CHECK (stage ~ '^[a-z_]{1,40}$'),
            sent_by         uuid REFERENCES users (id),
            created_at      timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT application_quizzes_once UNIQUE (application_id, quiz_id)
        );
    "#,
    down: r#"
        DROP TABLE application_quizzes;
    "#,
}

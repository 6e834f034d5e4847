//! Mr. Hire's adverse-impact data (band 75): a candidate's optional self-identified group per
//! application, in its own table, never read by screening; kept through erasure (it identifies
//! no one once the application's personal data is gone) so selection-rate counts survive.

crate::sql_migration! {
    up: r#"
        CREATE TABLE application_demographics (
            application_id  uuid PRIMARY KEY REFERENCES job_applications (id) ON DELETE CASCADE,
            platform_id     uuid NOT NULL REFERENCES platforms (id),
            group_label     text NOT NULL CHECK (length(group_label) BETWEEN 1 AND 60)
        );
    "#,
    down: r#"
        DROP TABLE application_demographics;
    "#,
}

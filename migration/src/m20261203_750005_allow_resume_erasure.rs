//! Mr. Hire erasure (band 75): an application keeps its row (stage, events, scores: the
//! funnel's counts) after its candidate's personal data is erased, so its resume reference may
//! go.

crate::sql_migration! {
    up: r#"
        ALTER TABLE job_applications ALTER COLUMN resume_file_id DROP NOT NULL;
        ALTER TABLE job_applications ADD COLUMN erased_at timestamptz;
        ALTER TABLE candidates ADD COLUMN erased_at timestamptz;
    "#,
    down: r#"
        ALTER TABLE candidates DROP COLUMN erased_at;
        ALTER TABLE job_applications DROP COLUMN erased_at;
        DELETE FROM job_applications WHERE resume_file_id IS NULL;
        ALTER TABLE job_applications ALTER COLUMN resume_file_id SET NOT NULL;
    "#,
}

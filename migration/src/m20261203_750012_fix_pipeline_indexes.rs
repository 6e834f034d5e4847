//! Mr. Hire (band 75): the pipeline list orders by `created_at DESC, id DESC`; the indexes of
//! `750001` had `id` ascending, which no scan direction matches, so PostgreSQL sorted the whole
//! platform's applications for every page (bench/hire_pipeline.sh: 177 ms for the first page of
//! 100,000). Rebuilt with both columns descending, plus one for the per-post filter.

crate::sql_migration! {
    up: r#"
        DROP INDEX job_applications_pipeline;
        CREATE INDEX job_applications_pipeline ON job_applications (platform_id, created_at DESC, id DESC);
        DROP INDEX job_applications_stage;
        CREATE INDEX job_applications_stage ON job_applications (platform_id, stage, created_at DESC, id DESC);
        CREATE INDEX job_applications_post ON job_applications (post_id, created_at DESC, id DESC);
    "#,
    down: r#"
        DROP INDEX job_applications_post;
        DROP INDEX job_applications_stage;
        CREATE INDEX job_applications_stage ON job_applications (platform_id, stage, created_at DESC, id);
        DROP INDEX job_applications_pipeline;
        CREATE INDEX job_applications_pipeline ON job_applications (platform_id, created_at DESC, id);
    "#,
}

//! Mr. Hire consent by purpose (band 75, DPDP Act): per application, whether the candidate
//! lets AI screen the resume and until when their data may stay in the talent pool.

crate::sql_migration! {
    up: r#"
        CREATE TABLE application_consents (
            application_id     uuid PRIMARY KEY REFERENCES job_applications (id) ON DELETE CASCADE,
            platform_id        uuid NOT NULL REFERENCES platforms (id),
            ai_screening       boolean NOT NULL,
            talent_pool_until  timestamptz,
            given_at           timestamptz NOT NULL DEFAULT now()
        );
    "#,
    down: r#"
        DROP TABLE application_consents;
    "#,
}

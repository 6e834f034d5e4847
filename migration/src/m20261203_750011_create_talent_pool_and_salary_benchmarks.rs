//! Mr. Hire (band 75): what a candidate declares for the talent pool at apply time
//! (`talent_profiles`: skills, years of experience, location; searched only while the
//! application's talent-pool consent is live), the salary benchmark's configured data points
//! (`salary_benchmark_sources`) and its computed percentiles (`salary_benchmarks`, refreshed
//! every 15 days from offers and placements plus the sources).

crate::sql_migration! {
    up: r#"
        CREATE TABLE talent_profiles (
            application_id    uuid PRIMARY KEY REFERENCES job_applications (id) ON DELETE CASCADE,
            platform_id       uuid NOT NULL REFERENCES platforms (id),
            skills            jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(skills) = 'array' AND jsonb_array_length(skills) <= 20),
            experience_years  integer CHECK (experience_years BETWEEN 0 AND 60),
            location          text CHECK (length(location) BETWEEN 1 AND 100)
        );
        CREATE INDEX talent_profiles_skills ON talent_profiles USING gin (skills);
        CREATE INDEX application_consents_live_pool ON application_consents (platform_id, talent_pool_until)
            WHERE talent_pool_until IS NOT NULL AND talent_pool_expired_at IS NULL;

        CREATE TABLE salary_benchmark_sources (
            id            uuid PRIMARY KEY,
            platform_id   uuid NOT NULL REFERENCES platforms (id),
            role_key      text NOT NULL CHECK (length(role_key) BETWEEN 1 AND 200),
            location      text NOT NULL DEFAULT '' CHECK (length(location) <= 100),
            amount_paise  bigint NOT NULL CHECK (amount_paise > 0),
            source        text NOT NULL CHECK (length(source) BETWEEN 1 AND 120),
            created_at    timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX salary_benchmark_sources_platform ON salary_benchmark_sources (platform_id);

        CREATE TABLE salary_benchmarks (
            id              uuid PRIMARY KEY,
            platform_id     uuid NOT NULL REFERENCES platforms (id),
            role_key        text NOT NULL CHECK (length(role_key) BETWEEN 1 AND 200),
            location        text NOT NULL DEFAULT '' CHECK (length(location) <= 100),
            samples         integer NOT NULL CHECK (samples > 0),
            own_samples     integer NOT NULL CHECK (own_samples >= 0),
            p25_paise       bigint NOT NULL,
            median_paise    bigint NOT NULL,
            p75_paise       bigint NOT NULL,
            computed_at     timestamptz NOT NULL,
            CONSTRAINT salary_benchmarks_once UNIQUE (platform_id, role_key, location),
            CHECK (p25_paise <= median_paise AND median_paise <= p75_paise)
        );
    "#,
    down: r#"
        DROP TABLE salary_benchmarks;
        DROP TABLE salary_benchmark_sources;
        DROP INDEX application_consents_live_pool;
        DROP TABLE talent_profiles;
    "#,
}

//! Mr. Hire's recruiting pipeline (band 75): `job_templates` and `stage_templates` (seeded
//! suite-wide rows with no platform, or a platform's own), `job_posts`, `candidates` (one per
//! platform and canonical email, found again by canonical phone), `resume_files` (one per
//! platform and SHA-256 of the content), `job_applications` (one per post and canonical
//! email), `application_events` (the immutable stage log: a trigger refuses updates),
//! `application_notes` and `application_ratings` (one scorecard per reviewer and application).

crate::sql_migration! {
    up: r#"
        CREATE TABLE stage_templates (
            id           uuid PRIMARY KEY,
            platform_id  uuid REFERENCES platforms (id),
            family       text NOT NULL CHECK (family ~ '^[a-z0-9_]{1,40}$'),
            stages       jsonb NOT NULL CHECK (jsonb_typeof(stages) = 'array' AND jsonb_array_length(stages) BETWEEN 1 AND 20),
            created_at   timestamptz NOT NULL DEFAULT now()
        );
        CREATE UNIQUE INDEX stage_templates_family ON stage_templates (COALESCE(platform_id, '00000000-0000-0000-0000-000000000000'::uuid), family);

        CREATE TABLE job_templates (
            id           uuid PRIMARY KEY,
            platform_id  uuid REFERENCES platforms (id),
            family       text NOT NULL CHECK (family ~ '^[a-z0-9_]{1,40}$'),
            title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
            description  text NOT NULL DEFAULT '' CHECK (length(description) <= 20000),
            skills       jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(skills) = 'array'),
            created_at   timestamptz NOT NULL DEFAULT now()
        );
        CREATE UNIQUE INDEX job_templates_title ON job_templates (COALESCE(platform_id, '00000000-0000-0000-0000-000000000000'::uuid), title);

        INSERT INTO stage_templates (id, platform_id, family, stages) VALUES
            ('01900000-0000-7000-8000-000000750001', NULL, 'engineering', '["applied","screening","quiz","interview","offer","hired"]'),
            ('01900000-0000-7000-8000-000000750002', NULL, 'sales', '["applied","screening","interview","offer","hired"]'),
            ('01900000-0000-7000-8000-000000750003', NULL, 'general', '["applied","screening","interview","offer","hired"]');
        INSERT INTO job_templates (id, platform_id, family, title, description, skills) VALUES
            ('01900000-0000-7000-8000-000000750101', NULL, 'engineering', 'Data Analyst', 'Analyse data, build dashboards and explain findings to the business.', '["sql","excel","python","power bi"]'),
            ('01900000-0000-7000-8000-000000750102', NULL, 'engineering', 'Software Engineer', 'Design, build and run backend and frontend services.', '["javascript","sql","git","system design"]'),
            ('01900000-0000-7000-8000-000000750103', NULL, 'sales', 'Business Development Associate', 'Find, qualify and close leads over calls and meetings.', '["communication","crm","negotiation"]'),
            ('01900000-0000-7000-8000-000000750104', NULL, 'general', 'Operations Executive', 'Keep day-to-day operations running and reported.', '["excel","communication","planning"]');

        CREATE TABLE job_posts (
            id                  uuid PRIMARY KEY,
            platform_id         uuid NOT NULL REFERENCES platforms (id),
            template_id         uuid REFERENCES job_templates (id),
            family              text NOT NULL CHECK (family ~ '^[a-z0-9_]{1,40}$'),
            title               text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
            description         text NOT NULL CHECK (length(description) <= 20000),
            location            text NOT NULL CHECK (length(location) BETWEEN 1 AND 200),
            remote              boolean NOT NULL,
            skills              jsonb NOT NULL CHECK (jsonb_typeof(skills) = 'array'),
            salary_min_paise    bigint CHECK (salary_min_paise >= 0),
            salary_max_paise    bigint CHECK (salary_max_paise >= 0),
            screening_questions jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(screening_questions) = 'array'),
            stages              jsonb NOT NULL CHECK (jsonb_typeof(stages) = 'array' AND jsonb_array_length(stages) BETWEEN 1 AND 20),
            status              text NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
            published_at        timestamptz,
            created_by          uuid REFERENCES users (id),
            created_at          timestamptz NOT NULL DEFAULT now(),
            updated_at          timestamptz NOT NULL DEFAULT now(),
            CHECK (salary_min_paise IS NULL OR salary_max_paise IS NULL OR salary_min_paise <= salary_max_paise),
            CHECK (status = 'draft' OR published_at IS NOT NULL)
        );
        CREATE INDEX job_posts_open ON job_posts (platform_id, published_at DESC, id) WHERE status = 'open';
        CREATE INDEX job_posts_all ON job_posts (platform_id, created_at DESC, id);

        CREATE TABLE candidates (
            id               uuid PRIMARY KEY,
            platform_id      uuid NOT NULL REFERENCES platforms (id),
            email_canonical  text NOT NULL CHECK (length(email_canonical) BETWEEN 3 AND 254),
            phone_canonical  text CHECK (phone_canonical ~ '^\+?[0-9]{6,15}$'),
            full_name        text NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
            created_at       timestamptz NOT NULL DEFAULT now(),
            updated_at       timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT candidates_email_unique UNIQUE (platform_id, email_canonical)
        );
        CREATE INDEX candidates_phone ON candidates (platform_id, phone_canonical) WHERE phone_canonical IS NOT NULL;

        CREATE TABLE resume_files (
            id            uuid PRIMARY KEY,
            platform_id   uuid NOT NULL REFERENCES platforms (id),
            sha256        text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
            storage_key   text NOT NULL CHECK (length(storage_key) BETWEEN 1 AND 1024),
            content_type  text NOT NULL CHECK (content_type IN ('application/pdf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')),
            size_bytes    bigint NOT NULL CHECK (size_bytes > 0),
            verified_at   timestamptz NOT NULL,
            created_at    timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT resume_files_hash_unique UNIQUE (platform_id, sha256)
        );

        CREATE TABLE job_applications (
            id                uuid PRIMARY KEY,
            platform_id       uuid NOT NULL REFERENCES platforms (id),
            post_id           uuid NOT NULL REFERENCES job_posts (id),
            candidate_id      uuid NOT NULL REFERENCES candidates (id),
            email_canonical   text NOT NULL CHECK (length(email_canonical) BETWEEN 3 AND 254),
            resume_file_id    uuid NOT NULL REFERENCES resume_files (id),
            resume_filename   text NOT NULL CHECK (length(resume_filename) BETWEEN 1 AND 200),
            answers           jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(answers) = 'object'),
            stage             text NOT NULL CHECK (stage ~ '^[a-z_]{1,40}$'),
            stage_changed_at  timestamptz NOT NULL,
            ai_score          integer CHECK (ai_score BETWEEN 0 AND 100),
            created_at        timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT job_applications_post_email_unique UNIQUE (post_id, email_canonical)
        );
        CREATE INDEX job_applications_pipeline ON job_applications (platform_id, created_at DESC, id);
        CREATE INDEX job_applications_stage ON job_applications (platform_id, stage, created_at DESC, id);
        CREATE INDEX job_applications_candidate ON job_applications (candidate_id);

        CREATE TABLE application_events (
            id              uuid PRIMARY KEY,
            platform_id     uuid NOT NULL REFERENCES platforms (id),
            application_id  uuid NOT NULL REFERENCES job_applications (id) ON DELETE CASCADE,
            from_stage      text CHECK (from_stage ~ '^[a-z_]{1,40}$'),
            to_stage        text NOT NULL CHECK (to_stage ~ '^[a-z_]{1,40}$'),
            reason          text CHECK (length(reason) BETWEEN 1 AND 1000),
            actor_id        uuid REFERENCES users (id),
            created_at      timestamptz NOT NULL DEFAULT clock_timestamp()
        );
        CREATE INDEX application_events_application ON application_events (application_id, created_at, id);
        CREATE FUNCTION application_events_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'application_events rows are immutable: add an event instead';
        END $$;
        CREATE TRIGGER application_events_no_update BEFORE UPDATE ON application_events
            FOR EACH ROW EXECUTE FUNCTION application_events_immutable();

        CREATE TABLE application_notes (
            id              uuid PRIMARY KEY,
            platform_id     uuid NOT NULL REFERENCES platforms (id),
            application_id  uuid NOT NULL REFERENCES job_applications (id) ON DELETE CASCADE,
            author_id       uuid NOT NULL REFERENCES users (id),
            body            text NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
            created_at      timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX application_notes_application ON application_notes (application_id, created_at);

        CREATE TABLE application_ratings (
            id              uuid PRIMARY KEY,
            platform_id     uuid NOT NULL REFERENCES platforms (id),
            application_id  uuid NOT NULL REFERENCES job_applications (id) ON DELETE CASCADE,
            author_id       uuid NOT NULL REFERENCES users (id),
            score           integer NOT NULL CHECK (score BETWEEN 1 AND 5),
            comment         text NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
            created_at      timestamptz NOT NULL DEFAULT now(),
            updated_at      timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT application_ratings_one_per_author UNIQUE (application_id, author_id)
        );
    "#,
    down: r#"
        DROP TABLE application_ratings;
        DROP TABLE application_notes;
        DROP TABLE application_events;
        DROP FUNCTION application_events_immutable();
        DROP TABLE job_applications;
        DROP TABLE resume_files;
        DROP TABLE candidates;
        DROP TABLE job_posts;
        DROP TABLE job_templates;
        DROP TABLE stage_templates;
    "#,
}

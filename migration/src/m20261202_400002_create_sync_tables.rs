//! Graphy (Mr. Learn) and EzExam (Mr. Test) sync (integrations, band 40): each platform's sync
//! configs (the outside API's key sealed in the row, interval, filters, enabled), one row per
//! sync run (counts, errors, duration), the synced data keyed by (platform, config, outside
//! ids) so a repeated run upserts the same rows, and the per-learner throttle of WhatsApp
//! progress nudges. Schedules are not stored here: each enabled config is a BullMQ job
//! scheduler rebuilt from these rows (ADR 0040).

crate::sql_migration! {
    up: r#"
        CREATE TABLE mrlearn_sync_configs (
            id                    uuid PRIMARY KEY,
            platform_id           uuid NOT NULL REFERENCES platforms (id),
            name                  text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
            base_url              text CHECK (base_url ~ '^https?://'),
            api_key_sealed        text NOT NULL,
            interval_seconds      integer NOT NULL CHECK (interval_seconds BETWEEN 1 AND 604800),
            filters               jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(filters) = 'object'),
            enabled               boolean NOT NULL DEFAULT true,
            reminders_enabled     boolean NOT NULL DEFAULT false,
            reminder_template     text CHECK (length(reminder_template) BETWEEN 1 AND 512),
            reminder_language     text NOT NULL DEFAULT 'en',
            reminder_stale_hours  integer NOT NULL DEFAULT 72 CHECK (reminder_stale_hours BETWEEN 1 AND 8760),
            created_by            uuid,
            created_at            timestamptz NOT NULL DEFAULT now(),
            updated_at            timestamptz NOT NULL DEFAULT now(),
            UNIQUE (platform_id, name),
            CHECK (NOT reminders_enabled OR reminder_template IS NOT NULL)
        );
        CREATE TABLE mrtest_sync_configs (
            id                    uuid PRIMARY KEY,
            platform_id           uuid NOT NULL REFERENCES platforms (id),
            name                  text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
            base_url              text CHECK (base_url ~ '^https?://'),
            api_key_sealed        text NOT NULL,
            interval_seconds      integer NOT NULL CHECK (interval_seconds BETWEEN 1 AND 604800),
            filters               jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(filters) = 'object'),
            enabled               boolean NOT NULL DEFAULT true,
            created_by            uuid,
            created_at            timestamptz NOT NULL DEFAULT now(),
            updated_at            timestamptz NOT NULL DEFAULT now(),
            UNIQUE (platform_id, name)
        );
        CREATE TABLE sync_runs (
            id            uuid PRIMARY KEY,
            platform_id   uuid NOT NULL REFERENCES platforms (id),
            config_kind   text NOT NULL CHECK (config_kind IN ('mrlearn', 'mrtest')),
            config_id     uuid NOT NULL,
            trigger       text NOT NULL CHECK (trigger IN ('schedule', 'manual', 'new_students')),
            job_id        text,
            attempt       integer NOT NULL DEFAULT 1,
            status        text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
            pages         integer NOT NULL DEFAULT 0,
            upserted      integer NOT NULL DEFAULT 0,
            unchanged     integer NOT NULL DEFAULT 0,
            errors        jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(errors) = 'array'),
            started_at    timestamptz NOT NULL DEFAULT now(),
            finished_at   timestamptz,
            duration_ms   bigint CHECK (duration_ms >= 0)
        );
        CREATE INDEX sync_runs_config ON sync_runs (platform_id, config_kind, config_id, started_at DESC, id DESC);
        CREATE TABLE mrlearn_enrolments (
            id                   uuid PRIMARY KEY,
            platform_id          uuid NOT NULL REFERENCES platforms (id),
            config_id            uuid NOT NULL REFERENCES mrlearn_sync_configs (id) ON DELETE CASCADE,
            external_id          text NOT NULL,
            learner_external_id  text NOT NULL,
            learner_name         text,
            learner_email        text,
            learner_phone        text,
            course_external_id   text NOT NULL,
            course_title         text,
            status               text,
            enrolled_at          timestamptz,
            created_at           timestamptz NOT NULL DEFAULT now(),
            updated_at           timestamptz NOT NULL DEFAULT now(),
            UNIQUE (platform_id, config_id, external_id)
        );
        CREATE INDEX mrlearn_enrolments_learner ON mrlearn_enrolments (platform_id, config_id, learner_external_id);
        CREATE TABLE mrlearn_progress (
            id                   uuid PRIMARY KEY,
            platform_id          uuid NOT NULL REFERENCES platforms (id),
            config_id            uuid NOT NULL REFERENCES mrlearn_sync_configs (id) ON DELETE CASCADE,
            learner_external_id  text NOT NULL,
            course_external_id   text NOT NULL,
            percent              integer NOT NULL CHECK (percent BETWEEN 0 AND 100),
            completed_lessons    integer NOT NULL DEFAULT 0 CHECK (completed_lessons >= 0),
            total_lessons        integer NOT NULL DEFAULT 0 CHECK (total_lessons >= 0),
            last_activity_at     timestamptz,
            created_at           timestamptz NOT NULL DEFAULT now(),
            updated_at           timestamptz NOT NULL DEFAULT now(),
            UNIQUE (platform_id, config_id, learner_external_id, course_external_id)
        );
        CREATE TABLE mrtest_exams (
            id                uuid PRIMARY KEY,
            platform_id       uuid NOT NULL REFERENCES platforms (id),
            config_id         uuid NOT NULL REFERENCES mrtest_sync_configs (id) ON DELETE CASCADE,
            external_id       text NOT NULL,
            title             text NOT NULL,
            status            text,
            max_score         double precision,
            duration_minutes  integer,
            starts_at         timestamptz,
            ends_at           timestamptz,
            created_at        timestamptz NOT NULL DEFAULT now(),
            updated_at        timestamptz NOT NULL DEFAULT now(),
            UNIQUE (platform_id, config_id, external_id)
        );
        CREATE TABLE mrtest_results (
            id                     uuid PRIMARY KEY,
            platform_id            uuid NOT NULL REFERENCES platforms (id),
            config_id              uuid NOT NULL REFERENCES mrtest_sync_configs (id) ON DELETE CASCADE,
            exam_external_id       text NOT NULL,
            candidate_external_id  text NOT NULL,
            candidate_name         text,
            candidate_email        text,
            candidate_phone        text,
            score                  double precision,
            max_score              double precision,
            passed                 boolean,
            status                 text,
            submitted_at           timestamptz,
            created_at             timestamptz NOT NULL DEFAULT now(),
            updated_at             timestamptz NOT NULL DEFAULT now(),
            UNIQUE (platform_id, config_id, exam_external_id, candidate_external_id)
        );
        CREATE TABLE mrlearn_reminders_sent (
            platform_id          uuid NOT NULL REFERENCES platforms (id),
            config_id            uuid NOT NULL REFERENCES mrlearn_sync_configs (id) ON DELETE CASCADE,
            learner_external_id  text NOT NULL,
            last_sent_at         timestamptz NOT NULL,
            sends                integer NOT NULL DEFAULT 1 CHECK (sends >= 1),
            PRIMARY KEY (platform_id, config_id, learner_external_id)
        );
    "#,
    down: r#"
        DROP TABLE mrlearn_reminders_sent;
        DROP TABLE mrtest_results;
        DROP TABLE mrtest_exams;
        DROP TABLE mrlearn_progress;
        DROP TABLE mrlearn_enrolments;
        DROP TABLE sync_runs;
        DROP TABLE mrtest_sync_configs;
        DROP TABLE mrlearn_sync_configs;
    "#,
}

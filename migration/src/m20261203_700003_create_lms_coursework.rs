//! LMS coursework: `assignments` (instructions, due time, points, a rubric, late rules, file
//! rules), `assignment_submissions` (one row per version a student hands in; the current one
//! carries the late flag, the penalty and, once graded, the rubric scores, the final score and
//! the feedback), `assignment_reminders` (one row per assignment and student reminded, so a
//! re-run of the reminder job sends nothing twice), `live_classes` with
//! `live_class_attendance` (once per class and student), `student_profiles` (the LMS's own
//! profile fields of a user) and `student_documents` (uploaded files a student registers).

crate::sql_migration! {
    up: r#"
        CREATE TABLE assignments (
            id              uuid PRIMARY KEY,
            platform_id     uuid NOT NULL REFERENCES platforms (id),
            course_id       uuid NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
            module_id       uuid REFERENCES course_modules (id) ON DELETE SET NULL,
            item_id         uuid REFERENCES course_items (id) ON DELETE SET NULL,
            title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
            instructions    text NOT NULL DEFAULT '' CHECK (length(instructions) <= 50000),
            due_at          timestamptz NOT NULL,
            max_points      integer NOT NULL CHECK (max_points BETWEEN 1 AND 10000),
            rubric          jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(rubric) = 'array'),
            late_penalty_percent_per_day integer NOT NULL DEFAULT 0
                            CHECK (late_penalty_percent_per_day BETWEEN 0 AND 100),
            late_penalty_cap_percent integer NOT NULL DEFAULT 100
                            CHECK (late_penalty_cap_percent BETWEEN 0 AND 100),
            reject_after    timestamptz CHECK (reject_after IS NULL OR reject_after >= due_at),
            allowed_content_types jsonb NOT NULL DEFAULT '[]'::jsonb
                            CHECK (jsonb_typeof(allowed_content_types) = 'array'),
            max_file_bytes  bigint CHECK (max_file_bytes IS NULL OR max_file_bytes BETWEEN 1 AND 1073741824),
            max_files       integer NOT NULL DEFAULT 5 CHECK (max_files BETWEEN 0 AND 20),
            created_by      uuid REFERENCES users (id),
            created_at      timestamptz NOT NULL DEFAULT now(),
            updated_at      timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX assignments_course ON assignments (course_id, due_at, id);
        CREATE INDEX assignments_due ON assignments (due_at);

        CREATE TABLE assignment_submissions (
            id              uuid PRIMARY KEY,
            platform_id     uuid NOT NULL REFERENCES platforms (id),
            assignment_id   uuid NOT NULL REFERENCES assignments (id) ON DELETE RESTRICT,
            user_id         uuid NOT NULL REFERENCES users (id),
            version         integer NOT NULL CHECK (version >= 1),
            status          text NOT NULL DEFAULT 'submitted'
                            CHECK (status IN ('submitted', 'graded', 'superseded')),
            text_answer     text CHECK (length(text_answer) <= 100000),
            files           jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(files) = 'array'),
            submitted_at    timestamptz NOT NULL DEFAULT now(),
            late            boolean NOT NULL,
            days_late       integer NOT NULL DEFAULT 0 CHECK (days_late >= 0),
            penalty_percent integer NOT NULL DEFAULT 0 CHECK (penalty_percent BETWEEN 0 AND 100),
            rubric_scores   jsonb CHECK (rubric_scores IS NULL OR jsonb_typeof(rubric_scores) = 'array'),
            raw_score       integer CHECK (raw_score >= 0),
            final_score     double precision CHECK (final_score >= 0),
            feedback        text CHECK (length(feedback) <= 20000),
            graded_by       uuid REFERENCES users (id),
            graded_at       timestamptz,
            CONSTRAINT assignment_submissions_version_unique UNIQUE (assignment_id, user_id, version),
            CHECK (text_answer IS NOT NULL OR jsonb_array_length(files) > 0),
            CHECK ((status = 'graded') = (graded_at IS NOT NULL AND raw_score IS NOT NULL AND final_score IS NOT NULL)
                   OR status = 'superseded'),
            CHECK (late OR (days_late = 0 AND penalty_percent = 0))
        );
        CREATE UNIQUE INDEX assignment_submissions_current
            ON assignment_submissions (assignment_id, user_id) WHERE status <> 'superseded';
        CREATE INDEX assignment_submissions_user ON assignment_submissions (user_id, platform_id);

        CREATE TABLE assignment_reminders (
            assignment_id   uuid NOT NULL REFERENCES assignments (id) ON DELETE CASCADE,
            user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            platform_id     uuid NOT NULL REFERENCES platforms (id),
            sent_at         timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (assignment_id, user_id)
        );

        CREATE TABLE live_classes (
            id              uuid PRIMARY KEY,
            platform_id     uuid NOT NULL REFERENCES platforms (id),
            course_id       uuid NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
            batch_id        uuid REFERENCES batches (id) ON DELETE CASCADE,
            title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
            description     text NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
            starts_at       timestamptz NOT NULL,
            ends_at         timestamptz NOT NULL,
            join_url        text NOT NULL CHECK (join_url ~ '^https?://' AND length(join_url) <= 2048),
            recording_key   text CHECK (length(recording_key) <= 1024),
            created_by      uuid REFERENCES users (id),
            created_at      timestamptz NOT NULL DEFAULT now(),
            updated_at      timestamptz NOT NULL DEFAULT now(),
            CHECK (ends_at > starts_at AND ends_at <= starts_at + interval '24 hours')
        );
        CREATE INDEX live_classes_course ON live_classes (course_id, starts_at, id);

        CREATE TABLE live_class_attendance (
            live_class_id   uuid NOT NULL REFERENCES live_classes (id) ON DELETE CASCADE,
            user_id         uuid NOT NULL REFERENCES users (id),
            platform_id     uuid NOT NULL REFERENCES platforms (id),
            joined_at       timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (live_class_id, user_id)
        );

        CREATE TABLE student_profiles (
            user_id         uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
            platform_id     uuid NOT NULL REFERENCES platforms (id),
            headline        text CHECK (length(headline) <= 200),
            goals           text CHECK (length(goals) <= 5000),
            education       text CHECK (length(education) <= 5000),
            timezone        text CHECK (length(timezone) BETWEEN 1 AND 64),
            linkedin_url    text CHECK (linkedin_url ~ '^https://' AND length(linkedin_url) <= 500),
            github_url      text CHECK (github_url ~ '^https://' AND length(github_url) <= 500),
            updated_at      timestamptz NOT NULL DEFAULT now()
        );

        CREATE TABLE student_documents (
            id              uuid PRIMARY KEY,
            platform_id     uuid NOT NULL REFERENCES platforms (id),
            user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            kind            text NOT NULL CHECK (kind IN ('resume', 'id_proof', 'certificate', 'transcript', 'other')),
            name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
            storage_key     text NOT NULL CHECK (length(storage_key) <= 1024),
            size_bytes      bigint NOT NULL CHECK (size_bytes >= 0),
            content_type    text NOT NULL CHECK (length(content_type) <= 255),
            created_at      timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT student_documents_key_unique UNIQUE (platform_id, storage_key)
        );
        CREATE INDEX student_documents_user ON student_documents (user_id, created_at DESC, id);
    "#,
    down: r#"
        DROP TABLE student_documents;
        DROP TABLE student_profiles;
        DROP TABLE live_class_attendance;
        DROP TABLE live_classes;
        DROP TABLE assignment_reminders;
        DROP TABLE assignment_submissions;
        DROP TABLE assignments;
    "#,
}

//! The LMS catalogue and enrolment: `courses` (draft/published, price in paise, GST flag,
//! level, cover image key), `course_modules` and `course_items` in order, `batches` (a batch
//! lead, a capacity and the seats taken, which a CHECK keeps within the capacity),
//! `enrollments` (one per user and course on a platform) and `item_progress` (one row per
//! completed content item of an enrolment).

crate::sql_migration! {
    up: r#"
        CREATE TABLE courses (
            id             uuid PRIMARY KEY,
            platform_id    uuid NOT NULL REFERENCES platforms (id),
            slug           text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 80),
            title          text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
            description    text NOT NULL DEFAULT '' CHECK (length(description) <= 20000),
            level          text NOT NULL DEFAULT 'beginner'
                           CHECK (level IN ('beginner', 'intermediate', 'advanced')),
            price_paise    bigint NOT NULL CHECK (price_paise >= 0),
            currency       text NOT NULL DEFAULT 'INR' CHECK (currency ~ '^[A-Z]{3}$'),
            gst_inclusive  boolean NOT NULL DEFAULT true,
            status         text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
            cover_image_key text CHECK (length(cover_image_key) <= 1024),
            published_at   timestamptz,
            created_by     uuid REFERENCES users (id),
            created_at     timestamptz NOT NULL DEFAULT now(),
            updated_at     timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT courses_slug_unique UNIQUE (platform_id, slug),
            CHECK ((status = 'published') = (published_at IS NOT NULL) OR status = 'archived')
        );
        CREATE INDEX courses_catalogue ON courses (platform_id, published_at DESC, id)
            WHERE status = 'published';

        CREATE TABLE course_modules (
            id           uuid PRIMARY KEY,
            platform_id  uuid NOT NULL REFERENCES platforms (id),
            course_id    uuid NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
            title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
            position     integer NOT NULL CHECK (position >= 0),
            created_at   timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX course_modules_course ON course_modules (course_id, position, id);

        CREATE TABLE course_items (
            id           uuid PRIMARY KEY,
            platform_id  uuid NOT NULL REFERENCES platforms (id),
            course_id    uuid NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
            module_id    uuid NOT NULL REFERENCES course_modules (id) ON DELETE CASCADE,
            kind         text NOT NULL
                         CHECK (kind IN ('lesson', 'video', 'document', 'link', 'quiz', 'assignment', 'live_class')),
            title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
            body         text NOT NULL DEFAULT '' CHECK (length(body) <= 100000),
            url          text CHECK (length(url) <= 2048),
            storage_key  text CHECK (length(storage_key) <= 1024),
            ref_id       uuid,
            duration_minutes integer CHECK (duration_minutes BETWEEN 0 AND 1440),
            position     integer NOT NULL CHECK (position >= 0),
            created_at   timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX course_items_module ON course_items (module_id, position, id);
        CREATE INDEX course_items_course ON course_items (course_id);

        CREATE TABLE batches (
            id             uuid PRIMARY KEY,
            platform_id    uuid NOT NULL REFERENCES platforms (id),
            course_id      uuid NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
            name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
            starts_on      date NOT NULL,
            ends_on        date,
            batch_lead_id  uuid REFERENCES users (id),
            capacity       integer NOT NULL CHECK (capacity BETWEEN 1 AND 100000),
            seats_taken    integer NOT NULL DEFAULT 0 CHECK (seats_taken >= 0),
            created_at     timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT batches_name_unique UNIQUE (course_id, name),
            CONSTRAINT batches_within_capacity CHECK (seats_taken <= capacity),
            CHECK (ends_on IS NULL OR ends_on >= starts_on)
        );
        CREATE INDEX batches_lead ON batches (batch_lead_id) WHERE batch_lead_id IS NOT NULL;

        CREATE TABLE enrollments (
            id           uuid PRIMARY KEY,
            platform_id  uuid NOT NULL REFERENCES platforms (id),
            user_id      uuid NOT NULL REFERENCES users (id),
            course_id    uuid NOT NULL REFERENCES courses (id),
            batch_id     uuid REFERENCES batches (id),
            source       text NOT NULL CHECK (source IN ('grant', 'payment', 'import')),
            status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
            granted_by   uuid REFERENCES users (id),
            order_id     uuid,
            created_at   timestamptz NOT NULL DEFAULT now(),
            updated_at   timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT enrollments_user_course_unique UNIQUE (platform_id, user_id, course_id)
        );
        CREATE INDEX enrollments_user ON enrollments (user_id, platform_id, created_at);
        CREATE INDEX enrollments_course ON enrollments (course_id);
        CREATE INDEX enrollments_batch ON enrollments (batch_id) WHERE batch_id IS NOT NULL;

        CREATE TABLE item_progress (
            enrollment_id uuid NOT NULL REFERENCES enrollments (id) ON DELETE CASCADE,
            item_id       uuid NOT NULL REFERENCES course_items (id) ON DELETE CASCADE,
            platform_id   uuid NOT NULL REFERENCES platforms (id),
            user_id       uuid NOT NULL REFERENCES users (id),
            course_id     uuid NOT NULL REFERENCES courses (id),
            completed_at  timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (enrollment_id, item_id)
        );
        CREATE INDEX item_progress_user ON item_progress (user_id, course_id);
    "#,
    down: r#"
        DROP TABLE item_progress;
        DROP TABLE enrollments;
        DROP TABLE batches;
        DROP TABLE course_items;
        DROP TABLE course_modules;
        DROP TABLE courses;
    "#,
}

//! LMS engagement (ADR 0060): `xp_ledger`, one row per fact that earns experience points
//! (a lesson completed, a quiz passed, an assignment handed in on time, a class attended, a
//! mentorship session held), unique per platform, user, kind and source, so an event
//! delivered twice, replayed or found again by the daily safety net awards once; the badges an
//! admin defines (`engagement_badges`: a metric and a threshold) and those students earned
//! (`engagement_user_badges`, once per badge and user).

crate::sql_migration! {
    up: r#"
        CREATE TABLE xp_ledger (
            id              uuid PRIMARY KEY,
            platform_id     uuid NOT NULL REFERENCES platforms (id),
            user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            source_kind     text NOT NULL CHECK (source_kind IN ('lesson_completed', 'quiz_passed',
                                'assignment_on_time', 'class_attended', 'mentorship_session')),
            source_id       uuid NOT NULL,
            source_event_id uuid,
            course_id       uuid REFERENCES courses (id) ON DELETE SET NULL,
            batch_id        uuid REFERENCES batches (id) ON DELETE SET NULL,
            points          integer NOT NULL CHECK (points BETWEEN 0 AND 100000),
            occurred_at     timestamptz NOT NULL,
            created_at      timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT xp_ledger_once UNIQUE (platform_id, user_id, source_kind, source_id)
        );
        CREATE INDEX xp_ledger_user ON xp_ledger (platform_id, user_id, occurred_at);
        CREATE INDEX xp_ledger_batch ON xp_ledger (batch_id, occurred_at) WHERE batch_id IS NOT NULL;
        CREATE INDEX xp_ledger_course ON xp_ledger (course_id, occurred_at) WHERE course_id IS NOT NULL;

        CREATE TABLE engagement_badges (
            id              uuid PRIMARY KEY,
            platform_id     uuid NOT NULL REFERENCES platforms (id),
            code            text NOT NULL CHECK (code ~ '^[a-z0-9_]{1,50}$'),
            name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
            description     text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
            metric          text NOT NULL CHECK (metric IN ('xp', 'longest_streak', 'quizzes_passed',
                                'lessons_completed', 'classes_attended', 'assignments_on_time',
                                'mentorship_sessions')),
            threshold       integer NOT NULL CHECK (threshold BETWEEN 1 AND 10000000),
            active          boolean NOT NULL DEFAULT true,
            created_by      uuid REFERENCES users (id),
            created_at      timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT engagement_badges_code_unique UNIQUE (platform_id, code)
        );

        CREATE TABLE engagement_user_badges (
            badge_id        uuid NOT NULL REFERENCES engagement_badges (id) ON DELETE CASCADE,
            user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            platform_id     uuid NOT NULL REFERENCES platforms (id),
            awarded_at      timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (badge_id, user_id)
        );
        CREATE INDEX engagement_user_badges_user ON engagement_user_badges (platform_id, user_id);
    "#,
    down: r#"
        DROP TABLE engagement_user_badges;
        DROP TABLE engagement_badges;
        DROP TABLE xp_ledger;
    "#,
}

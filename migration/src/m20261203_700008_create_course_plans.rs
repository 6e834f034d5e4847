//! AI course plans (ADR 0063): `course_plans`, a week-by-week plan of a course for one
//! student, generated on `coursePlanQueue` through the LLM gateway (structured output
//! validated against its schema), stored with the provider, model and prompt version, and
//! editable by the batch lead (`edited_by`, `edited_at`).

crate::sql_migration! {
    up: r#"
        CREATE TABLE course_plans (
            id              uuid PRIMARY KEY,
            platform_id     uuid NOT NULL REFERENCES platforms (id),
            user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            course_id       uuid NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
            goals           text NOT NULL DEFAULT '' CHECK (length(goals) <= 2000),
            hours_per_week  integer NOT NULL CHECK (hours_per_week BETWEEN 1 AND 80),
            weeks           integer NOT NULL CHECK (weeks BETWEEN 1 AND 52),
            status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'ready', 'failed')),
            plan            jsonb,
            provider        text,
            model           text,
            prompt_version  text,
            error           text CHECK (length(error) <= 2000),
            requested_by    uuid NOT NULL REFERENCES users (id),
            edited_by       uuid REFERENCES users (id),
            edited_at       timestamptz,
            created_at      timestamptz NOT NULL DEFAULT now(),
            updated_at      timestamptz NOT NULL DEFAULT now(),
            CHECK ((status = 'ready') = (plan IS NOT NULL))
        );
        CREATE INDEX course_plans_student ON course_plans (platform_id, user_id, created_at DESC);
    "#,
    down: r#"
        DROP TABLE course_plans;
    "#,
}

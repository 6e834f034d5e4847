//! Students at risk (ADR 0061): `student_risk_scores`, one row per enrolment (student and
//! course) and IST day with the score, its parts explained and the weights used (the history
//! is the trend); `student_warnings`, the warnings a student received (an input of the score);
//! `student_interventions`, what a batch lead, super mentor or community manager did about a
//! student (a call, a message, a mentor session) and its outcome.

crate::sql_migration! {
    up: r#"
        CREATE TABLE student_risk_scores (
            id              uuid PRIMARY KEY,
            platform_id     uuid NOT NULL REFERENCES platforms (id),
            user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            course_id       uuid NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
            batch_id        uuid REFERENCES batches (id) ON DELETE SET NULL,
            day             date NOT NULL,
            score           integer NOT NULL CHECK (score BETWEEN 0 AND 100),
            parts           jsonb NOT NULL,
            computed_at     timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT student_risk_scores_day_unique UNIQUE (platform_id, user_id, course_id, day)
        );
        CREATE INDEX student_risk_scores_batch ON student_risk_scores (batch_id, day DESC, score DESC)
            WHERE batch_id IS NOT NULL;
        CREATE INDEX student_risk_scores_platform_day ON student_risk_scores (platform_id, day DESC, score DESC);

        CREATE TABLE student_warnings (
            id              uuid PRIMARY KEY,
            platform_id     uuid NOT NULL REFERENCES platforms (id),
            user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            course_id       uuid REFERENCES courses (id) ON DELETE CASCADE,
            rule            text NOT NULL CHECK (length(rule) BETWEEN 1 AND 64),
            subject_id      uuid,
            day             date NOT NULL,
            detail          text NOT NULL DEFAULT '' CHECK (length(detail) <= 500),
            created_at      timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT student_warnings_once UNIQUE (platform_id, user_id, rule, day)
        );
        CREATE INDEX student_warnings_user ON student_warnings (platform_id, user_id, created_at);

        CREATE TABLE student_interventions (
            id              uuid PRIMARY KEY,
            platform_id     uuid NOT NULL REFERENCES platforms (id),
            user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            course_id       uuid NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
            batch_id        uuid REFERENCES batches (id) ON DELETE SET NULL,
            kind            text NOT NULL CHECK (kind IN ('call', 'message', 'mentor_session')),
            note            text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
            outcome         text NOT NULL DEFAULT 'pending'
                            CHECK (outcome IN ('pending', 'reached', 'no_response', 'improved', 'no_change', 'dropped_out')),
            outcome_note    text NOT NULL DEFAULT '' CHECK (length(outcome_note) <= 2000),
            risk_score_at   integer CHECK (risk_score_at BETWEEN 0 AND 100),
            created_by      uuid NOT NULL REFERENCES users (id),
            created_at      timestamptz NOT NULL DEFAULT now(),
            updated_at      timestamptz NOT NULL DEFAULT now(),
            resolved_at     timestamptz,
            CHECK ((outcome = 'pending') = (resolved_at IS NULL))
        );
        CREATE INDEX student_interventions_student ON student_interventions (platform_id, user_id, created_at DESC);
        CREATE INDEX student_interventions_batch ON student_interventions (batch_id, created_at DESC)
            WHERE batch_id IS NOT NULL;
    "#,
    down: r#"
        DROP TABLE student_interventions;
        DROP TABLE student_warnings;
        DROP TABLE student_risk_scores;
    "#,
}

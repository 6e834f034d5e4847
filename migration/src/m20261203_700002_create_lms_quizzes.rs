//! The LMS question bank and timed quizzes: `questions` (kind, difficulty, tags, the current
//! version) with every edit a new row of `question_versions`; `quizzes` and their ordered
//! `quiz_questions`; `learner_accommodations` (time multiplier, extra time, extra attempts
//! per learner); `quiz_invites` (candidate links, token stored hashed); `quiz_attempts` (one
//! in progress per learner and quiz, held by a partial unique index; the server's deadline),
//! `attempt_questions` (the pinned version and the shuffled order of each question of an
//! attempt) and `attempt_answers` (one per attempt and question, with the client's sequence
//! number).

crate::sql_migration! {
    up: r#"
        CREATE TABLE questions (
            id              uuid PRIMARY KEY,
            platform_id     uuid NOT NULL REFERENCES platforms (id),
            kind            text NOT NULL CHECK (kind IN ('mcq', 'multi', 'numeric', 'code')),
            difficulty      text NOT NULL DEFAULT 'medium' CHECK (difficulty IN ('easy', 'medium', 'hard')),
            tags            jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(tags) = 'array'),
            current_version integer NOT NULL DEFAULT 1 CHECK (current_version >= 1),
            import_key      text CHECK (length(import_key) BETWEEN 1 AND 200),
            created_by      uuid REFERENCES users (id),
            created_at      timestamptz NOT NULL DEFAULT now(),
            updated_at      timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT questions_import_key_unique UNIQUE (platform_id, import_key)
        );
        CREATE INDEX questions_list ON questions (platform_id, created_at DESC, id DESC);
        CREATE INDEX questions_tags ON questions USING gin (tags);

        CREATE TABLE question_versions (
            question_id    uuid NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
            version        integer NOT NULL CHECK (version >= 1),
            platform_id    uuid NOT NULL REFERENCES platforms (id),
            prompt         text NOT NULL CHECK (length(prompt) BETWEEN 1 AND 20000),
            options        jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(options) = 'array'),
            answer         jsonb NOT NULL,
            marks          integer NOT NULL CHECK (marks BETWEEN 1 AND 1000),
            partial_credit boolean NOT NULL DEFAULT false,
            tolerance      double precision CHECK (tolerance >= 0),
            language_id    integer CHECK (language_id > 0),
            test_cases     jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(test_cases) = 'array'),
            created_by     uuid REFERENCES users (id),
            created_at     timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (question_id, version)
        );

        CREATE TABLE quizzes (
            id                    uuid PRIMARY KEY,
            platform_id           uuid NOT NULL REFERENCES platforms (id),
            course_id             uuid REFERENCES courses (id),
            title                 text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
            duration_seconds      integer NOT NULL CHECK (duration_seconds BETWEEN 1 AND 86400),
            max_attempts          integer NOT NULL CHECK (max_attempts BETWEEN 1 AND 100),
            pass_percent          integer NOT NULL CHECK (pass_percent BETWEEN 0 AND 100),
            shuffle_questions     boolean NOT NULL DEFAULT false,
            shuffle_options       boolean NOT NULL DEFAULT false,
            closes_at             timestamptz,
            close_clamps_deadline boolean NOT NULL DEFAULT true,
            review_policy         text NOT NULL DEFAULT 'score_only'
                                  CHECK (review_policy IN ('none', 'score_only', 'answers_after_submit', 'answers_after_close')),
            created_by            uuid REFERENCES users (id),
            created_at            timestamptz NOT NULL DEFAULT now(),
            updated_at            timestamptz NOT NULL DEFAULT now(),
            CHECK (review_policy <> 'answers_after_close' OR closes_at IS NOT NULL)
        );
        CREATE INDEX quizzes_list ON quizzes (platform_id, created_at DESC, id DESC);
        CREATE INDEX quizzes_course ON quizzes (course_id) WHERE course_id IS NOT NULL;

        CREATE TABLE quiz_questions (
            quiz_id      uuid NOT NULL REFERENCES quizzes (id) ON DELETE CASCADE,
            question_id  uuid NOT NULL REFERENCES questions (id),
            position     integer NOT NULL CHECK (position >= 0),
            PRIMARY KEY (quiz_id, question_id),
            CONSTRAINT quiz_questions_position_unique UNIQUE (quiz_id, position)
        );
        CREATE INDEX quiz_questions_question ON quiz_questions (question_id);

        CREATE TABLE learner_accommodations (
            user_id          uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
            platform_id      uuid NOT NULL REFERENCES platforms (id),
            time_multiplier  double precision NOT NULL DEFAULT 1 CHECK (time_multiplier BETWEEN 1 AND 5),
            extra_seconds    integer NOT NULL DEFAULT 0 CHECK (extra_seconds BETWEEN 0 AND 86400),
            extra_attempts   integer NOT NULL DEFAULT 0 CHECK (extra_attempts BETWEEN 0 AND 100),
            note             text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
            updated_by       uuid REFERENCES users (id),
            updated_at       timestamptz NOT NULL DEFAULT now()
        );

        CREATE TABLE quiz_invites (
            id               uuid PRIMARY KEY,
            platform_id      uuid NOT NULL REFERENCES platforms (id),
            quiz_id          uuid NOT NULL REFERENCES quizzes (id) ON DELETE CASCADE,
            email            text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
            full_name        text NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
            token_hash       text NOT NULL CHECK (token_hash ~ '^[0-9a-f]{64}$'),
            time_multiplier  double precision NOT NULL DEFAULT 1 CHECK (time_multiplier BETWEEN 1 AND 5),
            extra_seconds    integer NOT NULL DEFAULT 0 CHECK (extra_seconds BETWEEN 0 AND 86400),
            expires_at       timestamptz,
            created_by       uuid REFERENCES users (id),
            created_at       timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT quiz_invites_token_unique UNIQUE (token_hash)
        );
        CREATE INDEX quiz_invites_quiz ON quiz_invites (quiz_id, created_at);

        CREATE TABLE quiz_attempts (
            id           uuid PRIMARY KEY,
            platform_id  uuid NOT NULL REFERENCES platforms (id),
            quiz_id      uuid NOT NULL REFERENCES quizzes (id),
            user_id      uuid REFERENCES users (id),
            invite_id    uuid REFERENCES quiz_invites (id) ON DELETE CASCADE,
            attempt_no   integer NOT NULL CHECK (attempt_no >= 1),
            status       text NOT NULL DEFAULT 'in_progress'
                         CHECK (status IN ('in_progress', 'submitted', 'auto_submitted')),
            started_at   timestamptz NOT NULL,
            deadline     timestamptz NOT NULL,
            submitted_at timestamptz,
            score        double precision CHECK (score >= 0),
            max_score    double precision CHECK (max_score >= 0),
            passed       boolean,
            created_at   timestamptz NOT NULL DEFAULT now(),
            CHECK ((user_id IS NULL) <> (invite_id IS NULL)),
            CHECK (deadline >= started_at),
            CHECK ((status = 'in_progress') = (submitted_at IS NULL)),
            CHECK (status = 'in_progress' OR (score IS NOT NULL AND max_score IS NOT NULL AND passed IS NOT NULL)),
            CHECK (score IS NULL OR score <= max_score),
            CONSTRAINT quiz_attempts_number_unique UNIQUE (quiz_id, user_id, attempt_no)
        );
        CREATE UNIQUE INDEX quiz_attempts_one_open ON quiz_attempts (quiz_id, user_id)
            WHERE status = 'in_progress' AND user_id IS NOT NULL;
        CREATE UNIQUE INDEX quiz_attempts_invite_once ON quiz_attempts (invite_id)
            WHERE invite_id IS NOT NULL;
        CREATE INDEX quiz_attempts_overdue ON quiz_attempts (deadline) WHERE status = 'in_progress';
        CREATE INDEX quiz_attempts_user ON quiz_attempts (user_id, quiz_id) WHERE user_id IS NOT NULL;

        CREATE TABLE attempt_questions (
            attempt_id    uuid NOT NULL REFERENCES quiz_attempts (id) ON DELETE CASCADE,
            question_id   uuid NOT NULL,
            version       integer NOT NULL,
            position      integer NOT NULL CHECK (position >= 0),
            option_order  jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(option_order) = 'array'),
            PRIMARY KEY (attempt_id, question_id),
            FOREIGN KEY (question_id, version) REFERENCES question_versions (question_id, version)
        );

        CREATE TABLE attempt_answers (
            attempt_id   uuid NOT NULL,
            question_id  uuid NOT NULL,
            answer       jsonb NOT NULL,
            seq          bigint NOT NULL CHECK (seq >= 0),
            saved_at     timestamptz NOT NULL DEFAULT now(),
            score        double precision CHECK (score >= 0),
            PRIMARY KEY (attempt_id, question_id),
            FOREIGN KEY (attempt_id, question_id) REFERENCES attempt_questions (attempt_id, question_id) ON DELETE CASCADE
        );
    "#,
    down: r#"
        DROP TABLE attempt_answers;
        DROP TABLE attempt_questions;
        DROP TABLE quiz_attempts;
        DROP TABLE quiz_invites;
        DROP TABLE learner_accommodations;
        DROP TABLE quiz_questions;
        DROP TABLE quizzes;
        DROP TABLE question_versions;
        DROP TABLE questions;
    "#,
}

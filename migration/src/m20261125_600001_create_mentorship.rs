//! Mr. Mentor: mentor profiles, availability slots (an exclusion constraint keeps one
//! mentor's live slots from overlapping), bookings (one live booking per slot, a student's
//! `Idempotency-Key` unique), meetings (one per booking) and their logs.

crate::sql_migration! {
    up: r#"
        CREATE EXTENSION IF NOT EXISTS btree_gist;

        CREATE TABLE mentor_profiles (
            id             uuid PRIMARY KEY,
            platform_id    uuid NOT NULL REFERENCES platforms (id),
            user_id        uuid NOT NULL,
            full_name      text NOT NULL DEFAULT '',
            headline       text NOT NULL CHECK (length(headline) BETWEEN 3 AND 200),
            bio            text NOT NULL CHECK (length(bio) <= 5000),
            expertise      jsonb NOT NULL CHECK (jsonb_typeof(expertise) = 'array'),
            languages      jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(languages) = 'array'),
            years          integer NOT NULL DEFAULT 0 CHECK (years BETWEEN 0 AND 80),
            price_tokens   bigint NOT NULL CHECK (price_tokens BETWEEN 1 AND 100000),
            timezone       text NOT NULL DEFAULT 'Asia/Kolkata',
            status         text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'suspended')),
            rating_sum     bigint NOT NULL DEFAULT 0,
            rating_count   integer NOT NULL DEFAULT 0,
            approved_at    timestamptz,
            approved_by    uuid,
            created_at     timestamptz NOT NULL DEFAULT now(),
            updated_at     timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT mentor_profiles_user UNIQUE (platform_id, user_id)
        );
        CREATE INDEX mentor_profiles_listing ON mentor_profiles (platform_id, status, id);
        CREATE INDEX mentor_profiles_expertise ON mentor_profiles USING gin (expertise jsonb_path_ops);

        CREATE TABLE mentor_slots (
            id           uuid PRIMARY KEY,
            platform_id  uuid NOT NULL REFERENCES platforms (id),
            mentor_id    uuid NOT NULL REFERENCES mentor_profiles (id),
            starts_at    timestamptz NOT NULL,
            ends_at      timestamptz NOT NULL,
            status       text NOT NULL CHECK (status IN ('open', 'booked', 'cancelled', 'expired')),
            created_at   timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT mentor_slots_span CHECK (ends_at > starts_at AND ends_at - starts_at <= interval '8 hours'),
            CONSTRAINT mentor_slots_no_overlap EXCLUDE USING gist (
                mentor_id WITH =, tstzrange(starts_at, ends_at) WITH &&)
                WHERE (status IN ('open', 'booked'))
        );
        CREATE INDEX mentor_slots_open ON mentor_slots (mentor_id, starts_at) WHERE status = 'open';

        CREATE TABLE bookings (
            id               uuid PRIMARY KEY,
            platform_id      uuid NOT NULL REFERENCES platforms (id),
            slot_id          uuid NOT NULL REFERENCES mentor_slots (id),
            mentor_id        uuid NOT NULL REFERENCES mentor_profiles (id),
            student_id       uuid NOT NULL,
            status           text NOT NULL CHECK (status IN ('booked', 'cancelled', 'completed')),
            tokens           bigint NOT NULL CHECK (tokens > 0),
            hold_id          uuid NOT NULL REFERENCES ledger_holds (id),
            idempotency_key  text,
            cancelled_by     uuid,
            cancel_reason    text,
            refunded_tokens  bigint,
            created_at       timestamptz NOT NULL DEFAULT now(),
            updated_at       timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT bookings_key UNIQUE (platform_id, student_id, idempotency_key)
        );
        CREATE UNIQUE INDEX bookings_one_per_slot ON bookings (slot_id) WHERE status <> 'cancelled';
        CREATE INDEX bookings_student ON bookings (platform_id, student_id, created_at DESC);

        CREATE TABLE meetings (
            id               uuid PRIMARY KEY,
            platform_id      uuid NOT NULL REFERENCES platforms (id),
            booking_id       uuid NOT NULL UNIQUE REFERENCES bookings (id),
            mentor_user_id   uuid NOT NULL,
            student_user_id  uuid NOT NULL,
            starts_at        timestamptz NOT NULL,
            ends_at          timestamptz NOT NULL,
            status           text NOT NULL CHECK (status IN ('scheduled', 'live', 'ended', 'completed', 'cancelled')),
            started_at       timestamptz,
            ended_at         timestamptz,
            completed_at     timestamptz,
            completed_by     uuid,
            created_at       timestamptz NOT NULL DEFAULT now(),
            updated_at       timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX meetings_participants ON meetings (platform_id, mentor_user_id, student_user_id);

        CREATE TABLE meeting_logs (
            id          uuid PRIMARY KEY,
            meeting_id  uuid NOT NULL REFERENCES meetings (id),
            kind        text NOT NULL CHECK (length(kind) BETWEEN 1 AND 50),
            actor_id    uuid,
            payload     jsonb NOT NULL DEFAULT '{}'::jsonb,
            created_at  timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX meeting_logs_meeting ON meeting_logs (meeting_id, created_at);
    "#,
    down: r#"
        DROP TABLE meeting_logs;
        DROP TABLE meetings;
        DROP TABLE bookings;
        DROP TABLE mentor_slots;
        DROP TABLE mentor_profiles;
    "#,
}

//! Weekly availability rules of a mentor (a weekday and a wall-clock window in an IANA time
//! zone, cut into slots of `slot_minutes`), and the link from generated slots to their rule:
//! one slot per rule and start, so generating again creates nothing twice.

crate::sql_migration! {
    up: r#"
        CREATE TABLE mentor_availability_rules (
            id            uuid PRIMARY KEY,
            platform_id   uuid NOT NULL REFERENCES platforms (id),
            mentor_id     uuid NOT NULL REFERENCES mentor_profiles (id),
            weekday       smallint NOT NULL CHECK (weekday BETWEEN 0 AND 6),
            start_time    time NOT NULL,
            end_time      time NOT NULL,
            slot_minutes  integer NOT NULL CHECK (slot_minutes BETWEEN 15 AND 480),
            timezone      text NOT NULL CHECK (length(timezone) BETWEEN 1 AND 64),
            created_at    timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT mentor_availability_rules_span CHECK (end_time > start_time),
            CONSTRAINT mentor_availability_rules_unique UNIQUE (mentor_id, weekday, start_time, end_time, timezone)
        );
        CREATE INDEX mentor_availability_rules_mentor ON mentor_availability_rules (platform_id, mentor_id);
        ALTER TABLE mentor_slots
            ADD COLUMN rule_id uuid REFERENCES mentor_availability_rules (id) ON DELETE SET NULL;
        CREATE UNIQUE INDEX mentor_slots_rule_start ON mentor_slots (rule_id, starts_at) WHERE rule_id IS NOT NULL;
    "#,
    down: r#"
        DROP INDEX mentor_slots_rule_start;
        ALTER TABLE mentor_slots DROP COLUMN rule_id;
        DROP TABLE mentor_availability_rules;
    "#,
}

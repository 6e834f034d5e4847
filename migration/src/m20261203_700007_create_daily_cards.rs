//! Daily cards and warning notices (ADR 0062): `daily_cards`, one card per student and IST day
//! (claimed by its insert, so the midnight run pushes each card once however many replicas
//! or retries run it); `warning_notices`, one notice (email, WhatsApp) per student and IST day
//! whatever the number of warnings, and one escalation to the batch lead per student and week.

crate::sql_migration! {
    up: r#"
        CREATE TABLE daily_cards (
            platform_id     uuid NOT NULL REFERENCES platforms (id),
            user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            day             date NOT NULL,
            card            jsonb NOT NULL,
            created_at      timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (platform_id, user_id, day)
        );

        CREATE TABLE warning_notices (
            platform_id     uuid NOT NULL REFERENCES platforms (id),
            user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            kind            text NOT NULL CHECK (kind IN ('student', 'escalation')),
            period          date NOT NULL,
            warnings        integer NOT NULL CHECK (warnings >= 0),
            created_at      timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (platform_id, user_id, kind, period)
        );
    "#,
    down: r#"
        DROP TABLE warning_notices;
        DROP TABLE daily_cards;
    "#,
}

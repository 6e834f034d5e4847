//! Google Calendar for mentors: one connection per user (the sealed refresh token and the
//! scope granted) and the calendar event created for a meeting (its Google id; `deleted_at`
//! once the cancellation removed it).

crate::sql_migration! {
    up: r#"
        CREATE TABLE google_calendar_connections (
            id                    uuid PRIMARY KEY,
            platform_id           uuid NOT NULL REFERENCES platforms (id),
            user_id               uuid NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
            refresh_token_sealed  text NOT NULL,
            scope                 text NOT NULL,
            connected_at          timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX google_calendar_connections_platform ON google_calendar_connections (platform_id);
        CREATE TABLE meeting_calendar_events (
            meeting_id       uuid PRIMARY KEY REFERENCES meetings (id) ON DELETE CASCADE,
            platform_id      uuid NOT NULL REFERENCES platforms (id),
            mentor_user_id   uuid NOT NULL,
            google_event_id  text NOT NULL,
            created_at       timestamptz NOT NULL DEFAULT now(),
            deleted_at       timestamptz
        );
    "#,
    down: r#"
        DROP TABLE meeting_calendar_events;
        DROP TABLE google_calendar_connections;
    "#,
}

//! Single-use action links emailed to a meeting's mentor ("mark the session completed"). The
//! emailed token is the row id plus an HMAC over the row; the row records expiry and use, so
//! a link works once and a forged or altered one never.

crate::sql_migration! {
    up: r#"
        CREATE TABLE meeting_action_links (
            id           uuid PRIMARY KEY,
            platform_id  uuid NOT NULL REFERENCES platforms (id),
            meeting_id   uuid NOT NULL REFERENCES meetings (id),
            action       text NOT NULL CHECK (action IN ('complete')),
            expires_at   timestamptz NOT NULL,
            used_at      timestamptz,
            created_at   timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX meeting_action_links_meeting ON meeting_action_links (meeting_id);
    "#,
    down: "DROP TABLE meeting_action_links;",
}

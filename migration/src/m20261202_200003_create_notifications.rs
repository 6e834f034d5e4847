//! `notifications`: in-app notifications (issue 10), written by the `send-notification` job.
//! `user_id` has no foreign key: `users` is identity's table (band 30), above comms' band.

crate::sql_migration! {
    up: r#"
                CREATE TABLE notifications (
                    id           uuid PRIMARY KEY,
                    platform_id  uuid NOT NULL REFERENCES platforms (id),
                    user_id      uuid NOT NULL,
                    kind         text NOT NULL CHECK (length(kind) BETWEEN 1 AND 100),
                    title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
                    body         text NOT NULL DEFAULT '' CHECK (length(body) <= 2000),
                    link         text CHECK (length(link) BETWEEN 1 AND 500),
                    data         jsonb NOT NULL DEFAULT '{}',
                    read_at      timestamptz,
                    created_at   timestamptz NOT NULL DEFAULT now()
                );
                CREATE INDEX notifications_user_created
                    ON notifications (platform_id, user_id, created_at DESC, id DESC);
                CREATE INDEX notifications_user_unread
                    ON notifications (platform_id, user_id, created_at DESC)
                    WHERE read_at IS NULL;
                "#,
    down: "DROP TABLE notifications;",
}

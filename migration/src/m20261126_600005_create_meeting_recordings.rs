//! Recordings of a meeting: metadata of objects uploaded straight to storage by presigned URL
//! (`pending` until the uploader confirms and the object is found, then `uploaded`).

crate::sql_migration! {
    up: r#"
        CREATE TABLE meeting_recordings (
            id            uuid PRIMARY KEY,
            platform_id   uuid NOT NULL REFERENCES platforms (id),
            meeting_id    uuid NOT NULL REFERENCES meetings (id),
            object_key    text NOT NULL UNIQUE,
            filename      text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
            content_type  text NOT NULL,
            size_bytes    bigint NOT NULL CHECK (size_bytes > 0),
            status        text NOT NULL CHECK (status IN ('pending', 'uploaded')),
            created_by    uuid NOT NULL,
            created_at    timestamptz NOT NULL DEFAULT now(),
            uploaded_at   timestamptz,
            CONSTRAINT meeting_recordings_uploaded CHECK ((status = 'uploaded') = (uploaded_at IS NOT NULL))
        );
        CREATE INDEX meeting_recordings_meeting ON meeting_recordings (platform_id, meeting_id, created_at);
    "#,
    down: "DROP TABLE meeting_recordings;",
}

//! `imports` (one uploaded file being imported: its kind, stored file, header mapping,
//! status and the committed checkpoint `rows_done`) and `import_errors` (one row per bad
//! cell, unique per import, row and column so a retried batch adds nothing twice).

crate::sql_migration! {
    up: r#"
                CREATE TABLE imports (
                    id             uuid PRIMARY KEY,
                    platform_id    uuid NOT NULL REFERENCES platforms (id),
                    kind           text NOT NULL CHECK (length(kind) BETWEEN 1 AND 64),
                    status         text NOT NULL DEFAULT 'previewed'
                                   CHECK (status IN ('previewed', 'queued', 'running', 'completed', 'failed')),
                    file_key       text NOT NULL CHECK (length(file_key) BETWEEN 1 AND 1024),
                    file_name      text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
                    file_format    text NOT NULL CHECK (file_format IN ('csv', 'xlsx')),
                    file_size      bigint NOT NULL CHECK (file_size >= 0),
                    mapping        jsonb NOT NULL CHECK (jsonb_typeof(mapping) = 'array'),
                    rows_total     bigint NOT NULL DEFAULT 0 CHECK (rows_total >= 0),
                    rows_done      bigint NOT NULL DEFAULT 0 CHECK (rows_done >= 0),
                    rows_ok        bigint NOT NULL DEFAULT 0 CHECK (rows_ok >= 0),
                    rows_failed    bigint NOT NULL DEFAULT 0 CHECK (rows_failed >= 0),
                    rows_created   bigint NOT NULL DEFAULT 0 CHECK (rows_created >= 0),
                    attempts       integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                    error          text,
                    created_by     uuid NOT NULL REFERENCES users (id),
                    created_at     timestamptz NOT NULL DEFAULT now(),
                    started_at     timestamptz,
                    finished_at    timestamptz,
                    updated_at     timestamptz NOT NULL DEFAULT now(),
                    CHECK (rows_ok + rows_failed = rows_done)
                );
                CREATE INDEX imports_platform_id_desc ON imports (platform_id, id DESC);

                CREATE TABLE import_errors (
                    import_id    uuid NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
                    platform_id  uuid NOT NULL REFERENCES platforms (id),
                    row_number   bigint NOT NULL CHECK (row_number >= 1),
                    column_name  text NOT NULL CHECK (length(column_name) <= 64),
                    value        text CHECK (value IS NULL OR length(value) <= 200),
                    message      text NOT NULL CHECK (length(message) BETWEEN 1 AND 500),
                    PRIMARY KEY (import_id, row_number, column_name)
                );
                CREATE INDEX import_errors_platform ON import_errors (platform_id, import_id);
                "#,
    down: "DROP TABLE import_errors; DROP TABLE imports;",
}

//! `audit_log`: append-only record of administrative changes (who, what, before, after,
//! when, request id). A trigger refuses UPDATE, DELETE and TRUNCATE.

crate::sql_migration! {
    up: r#"
                CREATE TABLE audit_log (
                    id           uuid PRIMARY KEY,
                    platform_id  uuid NOT NULL REFERENCES platforms (id),
                    actor_id     uuid,
                    action       text NOT NULL CHECK (length(action) BETWEEN 1 AND 100),
                    target_type  text NOT NULL CHECK (length(target_type) BETWEEN 1 AND 50),
                    target_id    text NOT NULL CHECK (length(target_id) BETWEEN 1 AND 100),
                    before       jsonb,
                    after        jsonb,
                    request_id   text,
                    created_at   timestamptz NOT NULL DEFAULT now()
                );
                CREATE INDEX audit_log_platform ON audit_log (platform_id, id DESC);
                CREATE INDEX audit_log_target ON audit_log (platform_id, target_type, target_id, id DESC);

                CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
                        USING ERRCODE = 'insufficient_privilege';
                END
                $fn$;
                CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
                    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
                CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
                    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
                "#,
    down: "DROP TABLE audit_log; DROP FUNCTION audit_log_append_only();",
}

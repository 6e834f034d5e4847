//! Sales targets and the dashboard's KPI cache (band 80): `sales_targets` (won leads per
//! agent or team and period), `sales_kpi_cache` (one row per platform, written by `kpiQueue`
//! every 15 minutes; `GET /api/sales/dashboard` reads only this).

crate::sql_migration! {
    up: r#"
        CREATE TABLE sales_targets (
            id           uuid PRIMARY KEY,
            platform_id  uuid NOT NULL REFERENCES platforms (id),
            agent_id     uuid REFERENCES users (id),
            team_id      uuid REFERENCES sales_teams (id) ON DELETE CASCADE,
            period_start date NOT NULL,
            period_end   date NOT NULL,
            won_target   integer NOT NULL CHECK (won_target BETWEEN 1 AND 1000000),
            created_by   uuid REFERENCES users (id),
            created_at   timestamptz NOT NULL DEFAULT now(),
            CHECK ((agent_id IS NULL) <> (team_id IS NULL)),
            CHECK (period_end >= period_start AND period_end <= period_start + 366)
        );
        CREATE INDEX sales_targets_platform ON sales_targets (platform_id, period_start DESC);

        CREATE TABLE sales_kpi_cache (
            platform_id uuid PRIMARY KEY REFERENCES platforms (id),
            computed_at timestamptz NOT NULL,
            data        jsonb NOT NULL
        );
    "#,
    down: r#"
        DROP TABLE sales_kpi_cache;
        DROP TABLE sales_targets;
    "#,
}

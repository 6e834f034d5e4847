//! Targets and the sales dashboard (ADR 0066). `kpiQueue` computes each platform's KPIs every
//! 15 minutes into `sales_kpi_cache`; `GET /api/sales/dashboard` reads only that row, so a
//! dashboard load never scans the leads.

use chrono::{DateTime, Utc};
use kernel::{
    audit::{self, Audit},
    auth::AuthUser,
};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Statement, TransactionTrait,
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    CrmError,
    dto::kpis::{DashboardDto, NewTarget, TargetDto},
    service::access::{self, View},
};

#[derive(Debug, FromQueryResult)]
struct TargetRow {
    id: Uuid,
    agent_id: Option<Uuid>,
    team_id: Option<Uuid>,
    period_start: chrono::NaiveDate,
    period_end: chrono::NaiveDate,
    won_target: i32,
    won: i64,
}

impl From<TargetRow> for TargetDto {
    fn from(r: TargetRow) -> Self {
        let pct = if r.won_target > 0 {
            (r.won as f64) * 100.0 / f64::from(r.won_target)
        } else {
            0.0
        };
        Self {
            id: r.id,
            agent_id: r.agent_id,
            team_id: r.team_id,
            period_start: r.period_start,
            period_end: r.period_end,
            won_target: r.won_target,
            won: r.won,
            attainment_percent: (pct * 10.0).round() / 10.0,
        }
    }
}

/// Targets with attainment: leads whose stay in `won` began inside the period (IST days),
/// owned by the agent, or by the team's members or head.
const TARGETS: &str = "SELECT t.id, t.agent_id, t.team_id, t.period_start, t.period_end, \
     t.won_target, \
     (SELECT count(*) FROM lead_stage_history h JOIN leads l ON l.id = h.lead_id \
      WHERE h.platform_id = t.platform_id AND h.stage = 'won' AND l.merged_into IS NULL \
        AND (h.entered_at AT TIME ZONE 'Asia/Kolkata')::date BETWEEN t.period_start AND t.period_end \
        AND (l.owner_id = t.agent_id OR l.owner_id IN ( \
              SELECT m.user_id FROM sales_team_members m WHERE m.team_id = t.team_id \
              UNION SELECT s.head_id FROM sales_teams s WHERE s.id = t.team_id))) AS won \
     FROM sales_targets t WHERE t.platform_id = $1 AND ($2::date IS NULL OR $2 BETWEEN t.period_start AND t.period_end) \
     ORDER BY t.period_start DESC, t.id LIMIT 500";

/// Sets a target (audited).
pub async fn create_target(
    db: &DatabaseConnection,
    admin: &AuthUser,
    req: NewTarget,
) -> Result<TargetDto, CrmError> {
    if req.agent_id.is_some() == req.team_id.is_some() {
        return Err(CrmError::Invalid(
            "agent_id",
            "give either an agent_id or a team_id".into(),
        ));
    }
    if req.period_end < req.period_start || (req.period_end - req.period_start).num_days() > 366 {
        return Err(CrmError::Invalid(
            "period_end",
            "is on or after period_start, at most 366 days later".into(),
        ));
    }
    let txn = db.begin().await?;
    let known = match (req.agent_id, req.team_id) {
        (Some(a), _) => txn
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT 1 AS one FROM sales_agents WHERE user_id = $1 AND platform_id = $2",
                [a.into(), admin.tenant.id.into()],
            ))
            .await?
            .is_some(),
        (None, Some(t)) => txn
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT 1 AS one FROM sales_teams WHERE id = $1 AND platform_id = $2",
                [t.into(), admin.tenant.id.into()],
            ))
            .await?
            .is_some(),
        (None, None) => false,
    };
    if !known {
        let field = if req.agent_id.is_some() {
            "agent_id"
        } else {
            "team_id"
        };
        return Err(CrmError::Invalid(
            field,
            "no such agent or team on this platform".into(),
        ));
    }
    let id = kernel::ids::new_id();
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO sales_targets (id, platform_id, agent_id, team_id, period_start, \
         period_end, won_target, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        [
            id.into(),
            admin.tenant.id.into(),
            req.agent_id.into(),
            req.team_id.into(),
            req.period_start.into(),
            req.period_end.into(),
            req.won_target.into(),
            admin.id.into(),
        ],
    ))
    .await?;
    audit::record(
        &txn,
        Audit::by(admin, "sales_target.created", "sales_target", id).after(json!({
            "agent_id": req.agent_id, "team_id": req.team_id, "won_target": req.won_target,
            "period_start": req.period_start, "period_end": req.period_end,
        })),
    )
    .await?;
    txn.commit().await?;
    targets(db, admin.tenant.id, None)
        .await?
        .into_iter()
        .find(|t| t.id == id)
        .ok_or(CrmError::NotFound("target"))
}

/// The platform's targets (only those covering `on`, when given) with attainment.
pub async fn targets(
    db: &impl ConnectionTrait,
    platform_id: Uuid,
    on: Option<chrono::NaiveDate>,
) -> Result<Vec<TargetDto>, CrmError> {
    Ok(TargetRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        TARGETS,
        [platform_id.into(), on.into()],
    ))
    .all(db)
    .await?
    .into_iter()
    .map(Into::into)
    .collect())
}

/// Computes one platform's KPIs (what `kpiQueue` caches).
pub async fn compute(db: &DatabaseConnection, platform_id: Uuid) -> Result<Value, CrmError> {
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "WITH l AS (SELECT * FROM leads WHERE platform_id = $1 AND merged_into IS NULL), \
                  m AS (SELECT date_trunc('month', now() AT TIME ZONE 'Asia/Kolkata') AS start) \
             SELECT (SELECT count(*) FROM l) AS leads_total, \
               (SELECT count(*) FROM l WHERE (created_at AT TIME ZONE 'Asia/Kolkata')::date \
                  = (now() AT TIME ZONE 'Asia/Kolkata')::date) AS leads_today, \
               (SELECT count(*) FROM l WHERE stage NOT IN ('won', 'lost')) AS open_leads, \
               (SELECT count(*) FROM l WHERE owner_id IS NULL AND stage NOT IN ('won', 'lost')) AS unassigned, \
               (SELECT count(*) FROM l, m WHERE created_at AT TIME ZONE 'Asia/Kolkata' >= m.start) AS created_this_month, \
               (SELECT count(*) FROM lead_stage_history h, m WHERE h.platform_id = $1 AND h.stage = 'won' \
                  AND h.entered_at AT TIME ZONE 'Asia/Kolkata' >= m.start) AS won_this_month, \
               (SELECT coalesce(jsonb_object_agg(stage, n), '{}'::jsonb) FROM \
                  (SELECT stage, count(*) AS n FROM l GROUP BY stage) s) AS by_stage, \
               (SELECT coalesce(jsonb_agg(jsonb_build_object('user_id', a.user_id, \
                  'open_leads', a.open_leads, 'won_this_month', \
                  (SELECT count(*) FROM lead_stage_history h JOIN leads x ON x.id = h.lead_id, m \
                   WHERE h.platform_id = $1 AND h.stage = 'won' AND x.owner_id = a.user_id \
                     AND h.entered_at AT TIME ZONE 'Asia/Kolkata' >= m.start)) ORDER BY a.user_id), '[]'::jsonb) \
                FROM sales_agents a WHERE a.platform_id = $1) AS agents",
            [platform_id.into()],
        ))
        .await?
        .ok_or(CrmError::NotFound("platform"))?;
    let created: i64 = row.try_get("", "created_this_month")?;
    let won: i64 = row.try_get("", "won_this_month")?;
    let today = (Utc::now() + chrono::Duration::minutes(330)).date_naive();
    let targets = targets(db, platform_id, Some(today)).await?;
    Ok(json!({
        "leads_total": row.try_get::<i64>("", "leads_total")?,
        "leads_today": row.try_get::<i64>("", "leads_today")?,
        "open_leads": row.try_get::<i64>("", "open_leads")?,
        "unassigned": row.try_get::<i64>("", "unassigned")?,
        "created_this_month": created,
        "won_this_month": won,
        "conversion_percent": if created > 0 { ((won as f64) * 1000.0 / (created as f64)).round() / 10.0 } else { 0.0 },
        "by_stage": row.try_get::<Value>("", "by_stage")?,
        "agents": row.try_get::<Value>("", "agents")?,
        "targets": targets,
    }))
}

/// Computes and caches the KPIs of every platform with leads or agents (`kpiQueue`).
pub async fn refresh_all(db: &DatabaseConnection) -> Result<usize, CrmError> {
    let platforms = db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT DISTINCT platform_id FROM leads UNION SELECT DISTINCT platform_id FROM sales_agents",
        ))
        .await?;
    for p in &platforms {
        let platform_id: Uuid = p.try_get("", "platform_id")?;
        let data = compute(db, platform_id).await?;
        db.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO sales_kpi_cache (platform_id, computed_at, data) VALUES ($1, now(), $2) \
             ON CONFLICT (platform_id) DO UPDATE SET computed_at = now(), data = EXCLUDED.data",
            [platform_id.into(), data.into()],
        ))
        .await?;
    }
    Ok(platforms.len())
}

/// The cached dashboard (one indexed read); a SALES user's copy keeps only their own agent
/// row and targets, a sales head's their team's.
pub async fn dashboard(db: &DatabaseConnection, user: &AuthUser) -> Result<DashboardDto, CrmError> {
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT computed_at, data FROM sales_kpi_cache WHERE platform_id = $1",
            [user.tenant.id.into()],
        ))
        .await?;
    let Some(row) = row else {
        return Ok(DashboardDto {
            computed_at: None,
            kpis: json!({}),
        });
    };
    let computed_at: DateTime<Utc> = row.try_get("", "computed_at")?;
    let mut kpis: Value = row.try_get("", "data")?;
    let view = access::view_of(db, user).await?;
    if let View::Owners(ids) = &view {
        let mine = |v: &Value, key: &str| {
            v.get(key)
                .and_then(Value::as_str)
                .and_then(|s| s.parse::<Uuid>().ok())
                .is_some_and(|id| ids.contains(&id))
        };
        if let Some(agents) = kpis.get_mut("agents").and_then(Value::as_array_mut) {
            agents.retain(|a| mine(a, "user_id"));
        }
        if let Some(targets) = kpis.get_mut("targets").and_then(Value::as_array_mut) {
            targets.retain(|t| mine(t, "agent_id"));
        }
    }
    Ok(DashboardDto {
        computed_at: Some(computed_at),
        kpis,
    })
}

//! Rule-based assignment rules (ADR 0065): course / source / language / region to a team or
//! an agent, tried by priority before the platform-wide round-robin.

use kernel::{
    audit::{self, Audit},
    auth::AuthUser,
};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Statement, TransactionTrait,
};
use uuid::Uuid;

use crate::{
    CrmError,
    dto::teams::{NewRule, RuleDto},
};

#[derive(Debug, FromQueryResult)]
struct RuleRow {
    id: Uuid,
    priority: i32,
    course: Option<String>,
    source: Option<String>,
    language: Option<String>,
    region: Option<String>,
    team_id: Option<Uuid>,
    agent_id: Option<Uuid>,
    created_at: chrono::DateTime<chrono::Utc>,
}

impl From<RuleRow> for RuleDto {
    fn from(r: RuleRow) -> Self {
        Self {
            id: r.id,
            priority: r.priority,
            course: r.course,
            source: r.source,
            language: r.language,
            region: r.region,
            team_id: r.team_id,
            agent_id: r.agent_id,
            created_at: r.created_at,
        }
    }
}

const COLUMNS: &str =
    "id, priority, course, source, language, region, team_id, agent_id, created_at";

fn clean(v: Option<String>, field: &'static str) -> Result<Option<String>, CrmError> {
    match v.map(|s| s.trim().to_owned()) {
        Some(s) if s.is_empty() || s.contains('\0') => {
            Err(CrmError::Invalid(field, "must not be blank".into()))
        }
        other => Ok(other),
    }
}

/// Creates a rule (audited).
pub async fn create(
    db: &DatabaseConnection,
    admin: &AuthUser,
    req: NewRule,
) -> Result<RuleDto, CrmError> {
    let course = clean(req.course, "course")?;
    let source = clean(req.source, "source")?;
    let language = clean(req.language, "language")?;
    let region = clean(req.region, "region")?;
    if course.is_none() && source.is_none() && language.is_none() && region.is_none() {
        return Err(CrmError::Invalid(
            "course",
            "give at least one of course, source, language, region".into(),
        ));
    }
    if req.team_id.is_some() == req.agent_id.is_some() {
        return Err(CrmError::Invalid(
            "team_id",
            "give either a team_id or an agent_id".into(),
        ));
    }
    let txn = db.begin().await?;
    if let Some(team) = req.team_id {
        let found = txn
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT 1 AS one FROM sales_teams WHERE id = $1 AND platform_id = $2",
                [team.into(), admin.tenant.id.into()],
            ))
            .await?;
        if found.is_none() {
            return Err(CrmError::Invalid("team_id", "no such sales team".into()));
        }
    }
    if let Some(agent) = req.agent_id {
        let found = txn
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT 1 AS one FROM sales_agents WHERE user_id = $1 AND platform_id = $2",
                [agent.into(), admin.tenant.id.into()],
            ))
            .await?;
        if found.is_none() {
            return Err(CrmError::Invalid(
                "agent_id",
                "is not a sales agent of this platform".into(),
            ));
        }
    }
    let row = RuleRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "INSERT INTO lead_assignment_rules (id, platform_id, priority, course, source, \
             language, region, team_id, agent_id, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING {COLUMNS}"
        ),
        [
            kernel::ids::new_id().into(),
            admin.tenant.id.into(),
            req.priority.into(),
            course.into(),
            source.into(),
            language.into(),
            region.into(),
            req.team_id.into(),
            req.agent_id.into(),
            admin.id.into(),
        ],
    ))
    .one(&txn)
    .await?
    .ok_or(CrmError::NotFound("rule"))?;
    let dto = RuleDto::from(row);
    audit::record(
        &txn,
        Audit::by(admin, "assignment_rule.created", "assignment_rule", dto.id)
            .after(serde_json::to_value(&dto).unwrap_or_default()),
    )
    .await?;
    txn.commit().await?;
    Ok(dto)
}

/// The platform's rules in the order they are tried.
pub async fn list(db: &DatabaseConnection, platform_id: Uuid) -> Result<Vec<RuleDto>, CrmError> {
    Ok(RuleRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {COLUMNS} FROM lead_assignment_rules WHERE platform_id = $1 \
             ORDER BY priority, created_at, id LIMIT 500"
        ),
        [platform_id.into()],
    ))
    .all(db)
    .await?
    .into_iter()
    .map(Into::into)
    .collect())
}

/// Deletes a rule (audited); 404 when it is not the platform's.
pub async fn delete(db: &DatabaseConnection, admin: &AuthUser, id: Uuid) -> Result<(), CrmError> {
    let txn = db.begin().await?;
    let gone = txn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "DELETE FROM lead_assignment_rules WHERE id = $1 AND platform_id = $2",
            [id.into(), admin.tenant.id.into()],
        ))
        .await?;
    if gone.rows_affected() == 0 {
        return Err(CrmError::NotFound("assignment rule"));
    }
    audit::record(
        &txn,
        Audit::by(admin, "assignment_rule.deleted", "assignment_rule", id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The agents the first matching rule names for a lead with these fields, with the rule's id
/// (candidates for the round-robin among them); none when no rule matches.
pub async fn candidates<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    lead_id: Uuid,
) -> Result<Vec<(Uuid, Vec<Uuid>)>, sea_orm::DbErr> {
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT r.id, \
               CASE WHEN r.agent_id IS NOT NULL THEN ARRAY[r.agent_id] \
                    ELSE ARRAY(SELECT m.user_id FROM sales_team_members m WHERE m.team_id = r.team_id) \
               END AS agents \
             FROM lead_assignment_rules r JOIN leads l ON l.id = $2 \
             WHERE r.platform_id = $1 \
               AND (r.course IS NULL OR lower(r.course) = lower(l.course)) \
               AND (r.source IS NULL OR lower(r.source) = lower(l.source)) \
               AND (r.language IS NULL OR lower(r.language) = lower(l.language)) \
               AND (r.region IS NULL OR lower(r.region) = lower(l.region)) \
             ORDER BY r.priority, r.created_at, r.id",
            [platform_id.into(), lead_id.into()],
        ))
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("", "id")?, r.try_get("", "agents")?)))
        .collect()
}

//! The call records: one row per attempt, the admin's list and the monthly cost per agent.

use chrono::{DateTime, Utc};
use kernel::{
    ids::new_id,
    pagination::{Page, PageParams},
    tenant::Tenant,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult,
    QueryFilter, QueryOrder, QuerySelect, Statement,
};
use uuid::Uuid;

use crate::{
    IntegrationsError,
    entities::{
        ai_calls as calls,
        kinds::{Agent, Outcome},
    },
    llm::agents::ProviderEntry,
};

/// One attempt to record.
#[derive(Debug, Clone)]
pub struct Attempt<'a> {
    /// Agent.
    pub agent: Agent,
    /// The provider entry tried.
    pub entry: &'a ProviderEntry,
    /// Tokens in/out counted by the provider (0 when it did not answer).
    pub tokens: (i64, i64),
    /// Time taken.
    pub latency_ms: i64,
    /// How it ended.
    pub outcome: Outcome,
}

/// Writes one attempt (cost from the entry's prices) and returns its cost.
pub async fn record(
    conn: &impl ConnectionTrait,
    tenant: &Tenant,
    attempt: Attempt<'_>,
) -> Result<i64, IntegrationsError> {
    let (tokens_in, tokens_out) = attempt.tokens;
    let cost = attempt.entry.cost_paise(tokens_in, tokens_out);
    calls::Entity::insert(calls::ActiveModel {
        id: Set(new_id()),
        platform_id: Set(tenant.id),
        agent: Set(attempt.agent),
        provider: Set(attempt.entry.provider),
        model: Set(attempt.entry.model.clone()),
        prompt_version: Set(attempt.entry.prompt_version.clone()),
        tokens_in: Set(tokens_in),
        tokens_out: Set(tokens_out),
        latency_ms: Set(attempt.latency_ms.max(0)),
        cost_paise: Set(cost),
        outcome: Set(attempt.outcome),
        request_id: Set(kernel::request_id::current()),
        created_at: Set(Utc::now()),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(cost)
}

/// The platform's attempts, newest first, optionally of one agent.
pub async fn list(
    conn: &impl ConnectionTrait,
    tenant: &Tenant,
    agent: Option<Agent>,
    params: &PageParams,
) -> Result<Page<calls::Model>, IntegrationsError> {
    let limit = params.limit()?;
    let mut query = calls::Entity::find().filter(calls::Column::PlatformId.eq(tenant.id));
    if let Some(after) = params.after::<Uuid>()? {
        query = query.filter(calls::Column::Id.lt(after));
    }
    if let Some(agent) = agent {
        query = query.filter(calls::Column::Agent.eq(agent));
    }
    let rows = query
        .order_by_desc(calls::Column::Id)
        .limit(limit + 1)
        .all(conn)
        .await?;
    Ok(Page::from_rows(rows, limit, |r| r.id))
}

/// One agent's month.
#[derive(Debug, Clone, FromQueryResult)]
pub struct AgentUsage {
    /// Agent name.
    pub agent: String,
    /// Attempts.
    pub calls: i64,
    /// Attempts that answered.
    pub ok_calls: i64,
    /// Input tokens.
    pub tokens_in: i64,
    /// Output tokens.
    pub tokens_out: i64,
    /// Cost, paise.
    pub cost_paise: i64,
}

/// Cost and tokens per agent in `[from, to)`.
pub async fn usage(
    conn: &impl ConnectionTrait,
    tenant: &Tenant,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<AgentUsage>, IntegrationsError> {
    Ok(
        AgentUsage::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT agent, COUNT(*)::bigint AS calls, \
                COUNT(*) FILTER (WHERE outcome = 'ok')::bigint AS ok_calls, \
                COALESCE(SUM(tokens_in), 0)::bigint AS tokens_in, \
                COALESCE(SUM(tokens_out), 0)::bigint AS tokens_out, \
                COALESCE(SUM(cost_paise), 0)::bigint AS cost_paise \
         FROM ai_calls WHERE platform_id = $1 AND created_at >= $2 AND created_at < $3 \
         GROUP BY agent ORDER BY agent",
            [tenant.id.into(), from.into(), to.into()],
        ))
        .all(conn)
        .await?,
    )
}

/// A month's usage with the platform's budget.
#[derive(Debug, Clone)]
pub struct MonthUsage {
    /// First instant of the month.
    pub from: DateTime<Utc>,
    /// First instant of the next month.
    pub to: DateTime<Utc>,
    /// The platform's monthly budget, paise.
    pub budget_paise: i64,
    /// Per agent.
    pub agents: Vec<AgentUsage>,
}

/// The usage summary of `month` (`YYYY-MM`, default the current one).
pub async fn month_usage(
    conn: &impl ConnectionTrait,
    tenant: &Tenant,
    month: Option<&str>,
) -> Result<MonthUsage, IntegrationsError> {
    let at = match month {
        None => Utc::now(),
        Some(m) => chrono::NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| d.and_utc())
            .ok_or_else(|| IntegrationsError::Invalid("month".into(), "must be YYYY-MM".into()))?,
    };
    let (from, to) = crate::service::budget::month_bounds(at);
    let agents = usage(conn, tenant, from, to).await?;
    let budget_paise = crate::settings::AI_MONTHLY_BUDGET_PAISE
        .int_value(conn, tenant.id)
        .await?;
    Ok(MonthUsage {
        from,
        to,
        budget_paise,
        agents,
    })
}

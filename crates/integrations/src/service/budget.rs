//! The platform's monthly LLM budget: this month's recorded cost against
//! `AI_MONTHLY_BUDGET_PAISE`.

use chrono::{DateTime, Datelike, TimeZone, Utc};
use kernel::tenant::Tenant;
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};

use crate::{IntegrationsError, settings::AI_MONTHLY_BUDGET_PAISE};

/// The first instant of `at`'s month (UTC) and of the next month.
pub fn month_bounds(at: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = Utc
        .with_ymd_and_hms(at.year(), at.month(), 1, 0, 0, 0)
        .single()
        .unwrap_or(at);
    let (y, m) = if at.month() == 12 {
        (at.year() + 1, 1)
    } else {
        (at.year(), at.month() + 1)
    };
    let next = Utc
        .with_ymd_and_hms(y, m, 1, 0, 0, 0)
        .single()
        .unwrap_or(at);
    (start, next)
}

#[derive(Debug, FromQueryResult)]
struct Spent {
    total: i64,
}

/// Cost recorded on the platform in `[from, to)`, paise.
pub async fn spent(
    conn: &impl ConnectionTrait,
    tenant: &Tenant,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<i64, IntegrationsError> {
    let row = Spent::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT COALESCE(SUM(cost_paise), 0)::bigint AS total FROM ai_calls \
         WHERE platform_id = $1 AND created_at >= $2 AND created_at < $3",
        [tenant.id.into(), from.into(), to.into()],
    ))
    .one(conn)
    .await?;
    Ok(row.map_or(0, |r| r.total))
}

/// Refuses when this month's cost has reached the budget (429 with `Retry-After` to the
/// next month).
pub async fn check(conn: &impl ConnectionTrait, tenant: &Tenant) -> Result<(), IntegrationsError> {
    let now = Utc::now();
    let (start, next) = month_bounds(now);
    let budget = AI_MONTHLY_BUDGET_PAISE.int_value(conn, tenant.id).await?;
    if spent(conn, tenant, start, next).await? >= budget {
        let secs = (next - now).num_seconds().max(1);
        return Err(IntegrationsError::BudgetExhausted {
            retry_after_secs: u64::try_from(secs).unwrap_or(1),
        });
    }
    Ok(())
}

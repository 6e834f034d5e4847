//! Pipeline cost: the AI calls recorded by the LLM gateway (read through
//! `integrations::service::calls::usage`, never from its table) and the other costs FINANCE
//! enters; both posted to the finance ledger as `costs` (+) against `payables` (-). A day's AI
//! cost is posted once (`source_key = ai:<day>`, unique per platform and account) by the daily
//! job, whatever how often it runs; a cost entered by FINANCE is posted in its own transaction
//! and audited.

use chrono::{Duration, NaiveDate, Utc};
use kernel::{
    Tenant,
    audit::{self, Audit},
    auth::AuthUser,
};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, TransactionTrait};
use uuid::Uuid;

use crate::{
    FinanceError,
    dto::costs::{AiCostRow, CostDto, CostRequest, OtherCostRow, PipelineCost},
    service::{
        reports::period,
        tabular::{Cell, Table},
    },
    tax,
};

/// Writes one ledger entry (`source_key` entries are written once: `false` when it existed).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn entry<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    account: &str,
    amount: i64,
    cost_id: Option<Uuid>,
    source_key: Option<&str>,
    memo: &str,
) -> Result<bool, FinanceError> {
    let done = conn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO finance_ledger (id, platform_id, account, amount_paise, cost_id, source_key, memo)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (platform_id, source_key, account) WHERE source_key IS NOT NULL DO NOTHING",
            [
                kernel::ids::new_id().into(),
                platform_id.into(),
                account.into(),
                amount.into(),
                cost_id.into(),
                source_key.map(str::to_owned).into(),
                memo.chars().take(300).collect::<String>().into(),
            ],
        ))
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a cost entered by FINANCE: the row, its ledger entries and the audit entry, in one
/// transaction. A day more than a year away from today is 422 on `incurred_on`.
pub async fn record(
    db: &DatabaseConnection,
    user: &AuthUser,
    req: CostRequest,
) -> Result<CostDto, FinanceError> {
    let today = tax::ist_date(Utc::now());
    if (req.incurred_on - today).num_days().abs() > 366 {
        return Err(FinanceError::Invalid(
            "incurred_on",
            "must be within a year of today".into(),
        ));
    }
    let description = req.description.trim().to_owned();
    if description.is_empty() {
        return Err(FinanceError::Invalid(
            "description",
            "must not be blank".into(),
        ));
    }
    let id = kernel::ids::new_id();
    let now = Utc::now();
    let platform_id = user.tenant.id;
    let txn = db.begin().await?;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO finance_costs (id, platform_id, category, description, amount_paise, incurred_on, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        [
            id.into(),
            platform_id.into(),
            req.category.as_str().into(),
            description.clone().into(),
            req.amount_paise.into(),
            req.incurred_on.into(),
            user.id.into(),
            now.into(),
        ],
    ))
    .await?;
    let memo = format!("{} cost {}", req.category.as_str(), req.incurred_on);
    entry(
        &txn,
        platform_id,
        "costs",
        req.amount_paise,
        Some(id),
        None,
        &memo,
    )
    .await?;
    entry(
        &txn,
        platform_id,
        "payables",
        -req.amount_paise,
        Some(id),
        None,
        &memo,
    )
    .await?;
    audit::record(
        &txn,
        Audit::by(user, "finance.cost.recorded", "finance_cost", id).after(serde_json::json!({
            "category": req.category.as_str(),
            "description": description,
            "amount_paise": req.amount_paise,
            "incurred_on": req.incurred_on,
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(CostDto {
        id,
        category: req.category,
        description,
        amount_paise: req.amount_paise,
        incurred_on: req.incurred_on,
        created_by: Some(user.id),
        created_at: now,
    })
}

/// The AI calls of `from..=to` (IST days) by agent, through the LLM gateway's own function.
async fn ai_rows<C: ConnectionTrait>(
    conn: &C,
    tenant: &Tenant,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<AiCostRow>, FinanceError> {
    let (start, end) = period(from, to)?;
    let usage = integrations::service::calls::usage(conn, tenant, start, end)
        .await
        .map_err(|e| FinanceError::App(e.into()))?;
    Ok(usage
        .into_iter()
        .map(|u| AiCostRow {
            agent: u.agent,
            calls: u.calls,
            ok_calls: u.ok_calls,
            tokens_in: u.tokens_in,
            tokens_out: u.tokens_out,
            cost_paise: u.cost_paise,
        })
        .collect())
}

/// Posts the AI cost of IST day `day` to the ledger, once: the amount posted now (0 when
/// there was none, or it was posted before).
pub async fn post_ai_day(
    db: &DatabaseConnection,
    tenant: &Tenant,
    day: NaiveDate,
) -> Result<i64, FinanceError> {
    let total: i64 = ai_rows(db, tenant, day, day)
        .await?
        .iter()
        .map(|r| r.cost_paise)
        .sum();
    if total == 0 {
        return Ok(0);
    }
    let key = format!("ai:{day}");
    let memo = format!("AI calls {day}");
    let txn = db.begin().await?;
    let fresh = entry(&txn, tenant.id, "costs", total, None, Some(&key), &memo).await?;
    if !fresh {
        txn.rollback().await?;
        return Ok(0);
    }
    entry(&txn, tenant.id, "payables", -total, None, Some(&key), &memo).await?;
    txn.commit().await?;
    Ok(total)
}

/// Posts yesterday's AI cost (IST) of every platform with the finance module (the daily job).
pub async fn post_ai_yesterday(ctx: &kernel::AppContext) -> Result<i64, FinanceError> {
    let day = tax::ist_date(Utc::now()) - Duration::days(1);
    let rows = ctx
        .db
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT slug FROM platforms WHERE $1 IN (SELECT jsonb_array_elements_text(modules::jsonb))",
            [crate::MODULE.into()],
        ))
        .await?;
    let mut posted = 0;
    for r in rows {
        let slug: String = r.try_get("", "slug")?;
        let tenant = ctx.tenants.resolve(&ctx.db, Some(&slug)).await?;
        posted += post_ai_day(&ctx.db, &tenant, day).await?;
    }
    Ok(posted)
}

/// The pipeline cost of `from..=to` (IST days).
pub async fn pipeline<C: ConnectionTrait>(
    conn: &C,
    tenant: &Tenant,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<PipelineCost, FinanceError> {
    period(from, to)?;
    let ai = ai_rows(conn, tenant, from, to).await?;
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT category, count(*) AS entries, sum(amount_paise)::bigint AS amount
               FROM finance_costs
              WHERE platform_id = $1 AND incurred_on BETWEEN $2 AND $3
              GROUP BY category ORDER BY category",
            [tenant.id.into(), from.into(), to.into()],
        ))
        .await?;
    let mut other = Vec::with_capacity(rows.len());
    for r in rows {
        other.push(OtherCostRow {
            category: r.try_get("", "category")?,
            entries: r.try_get("", "entries")?,
            amount_paise: r.try_get("", "amount")?,
        });
    }
    let ai_paise = ai.iter().map(|r| r.cost_paise).sum::<i64>();
    let other_paise = other.iter().map(|r| r.amount_paise).sum::<i64>();
    Ok(PipelineCost {
        from,
        to,
        ai,
        other,
        ai_paise,
        other_paise,
        total_paise: ai_paise + other_paise,
    })
}

/// The pipeline cost as tables (`ai`, `other`, `totals`) for CSV and XLSX.
pub fn tables(p: &PipelineCost) -> Vec<Table> {
    let columns = vec![
        "key",
        "calls_or_entries",
        "ok_calls",
        "tokens_in",
        "tokens_out",
        "amount_paise",
    ];
    vec![
        Table {
            name: "ai",
            columns: columns.clone(),
            rows: p
                .ai
                .iter()
                .map(|r| {
                    vec![
                        Cell::from(r.agent.as_str()),
                        r.calls.into(),
                        r.ok_calls.into(),
                        r.tokens_in.into(),
                        r.tokens_out.into(),
                        r.cost_paise.into(),
                    ]
                })
                .collect(),
        },
        Table {
            name: "other",
            columns: columns.clone(),
            rows: p
                .other
                .iter()
                .map(|r| {
                    vec![
                        Cell::from(r.category.as_str()),
                        r.entries.into(),
                        Cell::from(""),
                        Cell::from(""),
                        Cell::from(""),
                        r.amount_paise.into(),
                    ]
                })
                .collect(),
        },
        Table {
            name: "totals",
            columns,
            rows: [
                ("ai", p.ai_paise),
                ("other", p.other_paise),
                ("total", p.total_paise),
            ]
            .into_iter()
            .map(|(k, v)| {
                vec![
                    Cell::from(k),
                    Cell::from(""),
                    Cell::from(""),
                    Cell::from(""),
                    Cell::from(""),
                    v.into(),
                ]
            })
            .collect(),
        },
    ]
}

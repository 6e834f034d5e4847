//! Assignment (ADR 0049): a weighted, capacity-aware round-robin over the platform's active
//! agents. The platform's `lead_assignment_cursors` row is locked (an upsert) for the rest of
//! the assigning transaction, so assignments of one platform happen one after another and
//! each sees the counters the previous one committed: the next agent is the active one with
//! free capacity and the fewest open leads per unit of weight, the one served longest ago
//! on a tie. With equal weights the open leads of the agents never differ by more than one.
//! Re-inquiries never come here: a known lead keeps its owner.

use chrono::Utc;
use kernel::{AppContext, Tenant, tenant::entity as platforms};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, Statement, TransactionTrait,
};
use uuid::Uuid;

use crate::{CrmError, entities::ActivityKind, events::LeadAssigned, service::leads::add_activity};

const LOCK_CURSOR: &str = "INSERT INTO lead_assignment_cursors (platform_id, turns, updated_at) \
     VALUES ($1, 1, now()) \
     ON CONFLICT (platform_id) DO UPDATE \
     SET turns = lead_assignment_cursors.turns + 1, updated_at = now()";

const PICK: &str = "SELECT user_id FROM sales_agents \
     WHERE platform_id = $1 AND active AND open_leads < capacity \
     ORDER BY open_leads::float8 / weight, last_assigned_at ASC NULLS FIRST, user_id \
     LIMIT 1";

const TAKE: &str = "UPDATE sales_agents SET open_leads = open_leads + 1, \
     assigned_total = assigned_total + 1, last_assigned_at = clock_timestamp(), \
     updated_at = now() WHERE user_id = $1";

/// Gives the open, unowned lead `lead_id` to the next agent inside `txn` (which must commit
/// soon: the platform's cursor stays locked until it does). `None` when no active agent has
/// free capacity (the lead stays unassigned for `leadAssignmentQueue`).
pub async fn assign_next<C: ConnectionTrait>(
    txn: &C,
    platform_id: Uuid,
    lead_id: Uuid,
) -> Result<Option<Uuid>, DbErr> {
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        LOCK_CURSOR,
        [platform_id.into()],
    ))
    .await?;
    let Some(row) = txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            PICK,
            [platform_id.into()],
        ))
        .await?
    else {
        return Ok(None);
    };
    let agent: Uuid = row.try_get("", "user_id")?;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        TAKE,
        [agent.into()],
    ))
    .await?;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE leads SET owner_id = $2, assigned_at = now(), updated_at = now() \
         WHERE id = $1 AND platform_id = $3",
        [lead_id.into(), agent.into(), platform_id.into()],
    ))
    .await?;
    add_activity(
        txn,
        platform_id,
        lead_id,
        ActivityKind::Assigned,
        None,
        serde_json::json!({"owner_id": agent, "rule": "weighted_round_robin"}),
    )
    .await?;
    Ok(Some(agent))
}

/// What a sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    /// Leads given an owner.
    pub assigned: usize,
    /// Leads left unassigned (no free agent on their platform).
    pub waiting: usize,
}

/// Assigns open leads that have no owner, oldest first, at most `limit` per run, each in its
/// own short transaction (what `leadAssignmentQueue` runs). Safe beside ingestion and another
/// sweep: the lead is locked `SKIP LOCKED` and re-checked as unowned.
pub async fn assign_unassigned(ctx: &AppContext, limit: u64) -> Result<Swept, CrmError> {
    let db: &DatabaseConnection = &ctx.db;
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT id, platform_id FROM leads \
             WHERE owner_id IS NULL AND stage NOT IN ('won', 'lost') \
             ORDER BY created_at, id LIMIT $1",
            [i64::try_from(limit).unwrap_or(i64::MAX).into()],
        ))
        .await?;
    let mut swept = Swept::default();
    let mut full: Vec<Uuid> = Vec::new();
    for row in rows {
        let lead_id: Uuid = row.try_get("", "id")?;
        let platform_id: Uuid = row.try_get("", "platform_id")?;
        if full.contains(&platform_id) {
            swept.waiting += 1;
            continue;
        }
        let txn = db.begin().await?;
        let still = txn
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT id FROM leads WHERE id = $1 AND owner_id IS NULL \
                 FOR UPDATE SKIP LOCKED",
                [lead_id.into()],
            ))
            .await?;
        if still.is_none() {
            txn.rollback().await?;
            continue;
        }
        match assign_next(&txn, platform_id, lead_id).await? {
            Some(owner) => {
                if let Some(tenant) = tenant_of(ctx, platform_id).await? {
                    jobs::outbox::publish_in(
                        &txn,
                        &tenant,
                        &LeadAssigned {
                            lead_id,
                            owner_id: owner,
                            previous_owner_id: None,
                        },
                    )
                    .await?;
                }
                txn.commit().await?;
                swept.assigned += 1;
            }
            None => {
                txn.rollback().await?;
                full.push(platform_id);
                swept.waiting += 1;
            }
        }
    }
    tracing::debug!(at = %Utc::now(), assigned = swept.assigned, waiting = swept.waiting, "lead sweep");
    Ok(swept)
}

async fn tenant_of(
    ctx: &AppContext,
    platform_id: Uuid,
) -> Result<Option<std::sync::Arc<Tenant>>, CrmError> {
    let Some(p) = platforms::Entity::find_by_id(platform_id)
        .one(&ctx.db)
        .await?
    else {
        return Ok(None);
    };
    Ok(ctx.tenants.resolve(&ctx.db, Some(&p.slug)).await.ok())
}

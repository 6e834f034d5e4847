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

use crate::{
    CrmError,
    entities::ActivityKind,
    events::LeadAssigned,
    service::{leads::add_activity, rules},
    settings,
};

const LOCK_CURSOR: &str = "INSERT INTO lead_assignment_cursors (platform_id, turns, updated_at) \
     VALUES ($1, 1, now()) \
     ON CONFLICT (platform_id) DO UPDATE \
     SET turns = lead_assignment_cursors.turns + 1, updated_at = now()";

const PICK: &str = "SELECT user_id FROM sales_agents \
     WHERE platform_id = $1 AND active AND open_leads < capacity \
     ORDER BY open_leads::float8 / weight, last_assigned_at ASC NULLS FIRST, user_id \
     LIMIT 1";

/// [`PICK`] among some agents only (a rule's), never `$3` (the SLA's current owner).
const PICK_AMONG: &str = "SELECT user_id FROM sales_agents \
     WHERE platform_id = $1 AND active AND open_leads < capacity \
       AND ($2::uuid[] IS NULL OR user_id = ANY($2)) AND ($3::uuid IS NULL OR user_id <> $3) \
     ORDER BY open_leads::float8 / weight, last_assigned_at ASC NULLS FIRST, user_id \
     LIMIT 1";

async fn pick<C: ConnectionTrait>(
    txn: &C,
    platform_id: Uuid,
    among: Option<Vec<Uuid>>,
    not: Option<Uuid>,
) -> Result<Option<Uuid>, DbErr> {
    let row = if among.is_none() && not.is_none() {
        txn.query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            PICK,
            [platform_id.into()],
        ))
        .await?
    } else {
        txn.query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            PICK_AMONG,
            [platform_id.into(), among.into(), not.into()],
        ))
        .await?
    };
    row.map(|r| r.try_get("", "user_id")).transpose()
}

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
    // rule-based first: the first matching rule with a free agent
    let mut chosen = None;
    for (rule_id, agents) in rules::candidates(txn, platform_id, lead_id).await? {
        if agents.is_empty() {
            continue;
        }
        if let Some(agent) = pick(txn, platform_id, Some(agents), None).await? {
            chosen = Some((
                agent,
                serde_json::json!({"owner_id": agent, "rule": "assignment_rule", "rule_id": rule_id}),
            ));
            break;
        }
    }
    if chosen.is_none() {
        chosen = pick(txn, platform_id, None, None).await?.map(|a| {
            (
                a,
                serde_json::json!({"owner_id": a, "rule": "weighted_round_robin"}),
            )
        });
    }
    let Some((agent, how)) = chosen else {
        return Ok(None);
    };
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
    add_activity(txn, platform_id, lead_id, ActivityKind::Assigned, None, how).await?;
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

/// Leads re-assigned by the SLA per sweep at most.
pub const SLA_LIMIT: i64 = 1_000;

/// The speed-to-lead SLA (ADR 0065), run by `leadAssignmentQueue`: on each platform whose
/// `CRM_SPEED_TO_LEAD_MINUTES` is set, a lead still `new` whose owner has done nothing on it
/// (no timeline entry by them) for that many minutes since it was assigned goes to the next
/// agent by the round-robin (never the same one), once per lead: on the timeline
/// (`sla_reassigned`), audited, `lead.assigned` published. Returns how many moved.
pub async fn sla_sweep(ctx: &AppContext) -> Result<usize, CrmError> {
    let db: &DatabaseConnection = &ctx.db;
    let platforms = db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT DISTINCT platform_id FROM leads WHERE stage = 'new' AND owner_id IS NOT NULL \
             AND sla_reassigned_at IS NULL AND merged_into IS NULL",
        ))
        .await?;
    let mut moved = 0;
    for p in platforms {
        let platform_id: Uuid = p.try_get("", "platform_id")?;
        let minutes = settings::SPEED_TO_LEAD_MINUTES
            .int_value(db, platform_id)
            .await?;
        if minutes <= 0 {
            continue;
        }
        let Some(tenant) = tenant_of(ctx, platform_id).await? else {
            continue;
        };
        let late = db
            .query_all_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT l.id FROM leads l WHERE l.platform_id = $1 AND l.stage = 'new' \
                 AND l.owner_id IS NOT NULL AND l.sla_reassigned_at IS NULL \
                 AND l.merged_into IS NULL \
                 AND l.assigned_at < now() - make_interval(mins => $2) \
                 AND NOT EXISTS (SELECT 1 FROM lead_activities a WHERE a.lead_id = l.id \
                   AND a.actor_id = l.owner_id AND a.created_at >= l.assigned_at) \
                 ORDER BY l.assigned_at LIMIT $3",
                [
                    platform_id.into(),
                    i32::try_from(minutes).unwrap_or(i32::MAX).into(),
                    SLA_LIMIT.into(),
                ],
            ))
            .await?;
        for row in late {
            let lead_id: Uuid = row.try_get("", "id")?;
            let txn = db.begin().await?;
            let Some(locked) = txn
                .query_one_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT owner_id FROM leads WHERE id = $1 AND stage = 'new' \
                     AND sla_reassigned_at IS NULL FOR UPDATE SKIP LOCKED",
                    [lead_id.into()],
                ))
                .await?
            else {
                txn.rollback().await?;
                continue;
            };
            let from: Option<Uuid> = locked.try_get("", "owner_id")?;
            txn.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                LOCK_CURSOR,
                [platform_id.into()],
            ))
            .await?;
            let Some(to) = pick(&txn, platform_id, None, from).await? else {
                txn.rollback().await?;
                continue;
            };
            if let Some(prev) = from {
                txn.execute_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "UPDATE sales_agents SET open_leads = GREATEST(open_leads - 1, 0), \
                     updated_at = now() WHERE user_id = $1",
                    [prev.into()],
                ))
                .await?;
            }
            txn.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                TAKE,
                [to.into()],
            ))
            .await?;
            txn.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE leads SET owner_id = $2, assigned_at = now(), sla_reassigned_at = now(), \
                 updated_at = now() WHERE id = $1",
                [lead_id.into(), to.into()],
            ))
            .await?;
            let data = serde_json::json!({"from": from, "to": to, "after_minutes": minutes});
            add_activity(
                &txn,
                platform_id,
                lead_id,
                ActivityKind::SlaReassigned,
                None,
                data.clone(),
            )
            .await?;
            kernel::audit::record(
                &txn,
                kernel::audit::Audit::new(
                    platform_id,
                    None,
                    "lead.sla_reassigned",
                    "lead",
                    lead_id,
                )
                .after(data),
            )
            .await?;
            jobs::outbox::publish_in(
                &txn,
                &tenant,
                &LeadAssigned {
                    lead_id,
                    owner_id: to,
                    previous_owner_id: from,
                },
            )
            .await?;
            txn.commit().await?;
            moved += 1;
        }
    }
    Ok(moved)
}

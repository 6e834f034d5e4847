//! Merging duplicate leads (frappe/crm#302, #1529: duplicates with no merge). A merge moves
//! the source lead's timeline and tasks onto the target, closes the source (`merged_into`:
//! a re-inquiry with its phone or email lands on the target from then on) and frees its
//! owner's place; what moved is recorded in `lead_merges`, so an undo moves exactly those rows
//! back. Both are audited and on both timelines.

use kernel::{
    audit::{self, Audit},
    auth::{AuthUser, Capability},
};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, TransactionTrait};
use uuid::Uuid;

use crate::{
    CrmError,
    dto::leads::{LeadDetail, MergeAnswer},
    entities::ActivityKind,
    service::{
        access::{self, View},
        leads::{add_activity, detail, visible},
    },
};

fn may_merge(user: &AuthUser, view: &View) -> Result<(), CrmError> {
    if *view == View::Platform || user.caps.contains(&Capability::SalesHead) {
        Ok(())
    } else {
        Err(CrmError::Forbidden(
            "merging leads requires the sales-head or community-manager capability".into(),
        ))
    }
}

/// Merges lead `source_id` into lead `into` (both within the caller's view).
pub async fn merge(
    db: &DatabaseConnection,
    user: &AuthUser,
    source_id: Uuid,
    into: Uuid,
) -> Result<MergeAnswer, CrmError> {
    if source_id == into {
        return Err(CrmError::Invalid("into", "is the lead itself".into()));
    }
    let txn = db.begin().await?;
    let view = access::view_of(&txn, user).await?;
    may_merge(user, &view)?;
    // lock both in id order (two merges of the same pair cannot deadlock)
    let (first, second) = if source_id < into {
        (source_id, into)
    } else {
        (into, source_id)
    };
    let a = visible(&txn, user, first, true).await;
    let b = visible(&txn, user, second, true).await;
    let (source, target) = if first == source_id { (a?, b) } else { (b?, a) };
    let target =
        target.map_err(|_| CrmError::Invalid("into", "no such lead in your view".into()))?;
    if source.merged_into.is_some() {
        return Err(CrmError::Invalid(
            "id",
            "this lead is already merged".into(),
        ));
    }
    if target.merged_into.is_some() {
        return Err(CrmError::Invalid(
            "into",
            "that lead is merged into another".into(),
        ));
    }
    let has_merged = txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 AS one FROM leads WHERE merged_into = $1 LIMIT 1",
            [source.id.into()],
        ))
        .await?
        .is_some();
    if has_merged {
        return Err(CrmError::Invalid(
            "id",
            "other leads are merged into this one: merge into it instead, or undo those first"
                .into(),
        ));
    }
    let moved_activities: Vec<Uuid> = txn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE lead_activities SET lead_id = $2 WHERE lead_id = $1 RETURNING id",
            [source.id.into(), target.id.into()],
        ))
        .await?
        .iter()
        .filter_map(|r| r.try_get::<Uuid>("", "id").ok())
        .collect();
    let moved_tasks: Vec<Uuid> = txn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE lead_tasks SET lead_id = $2, assignee_id = COALESCE($3, assignee_id) \
             WHERE lead_id = $1 AND done_at IS NULL RETURNING id",
            [source.id.into(), target.id.into(), target.owner_id.into()],
        ))
        .await?
        .iter()
        .filter_map(|r| r.try_get::<Uuid>("", "id").ok())
        .collect();
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE leads SET merged_into = $2, updated_at = now() WHERE id = $1",
        [source.id.into(), target.id.into()],
    ))
    .await?;
    if let Some(owner) = source.owner_id
        && !source.stage.is_closed()
    {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE sales_agents SET open_leads = GREATEST(open_leads - 1, 0), \
             updated_at = now() WHERE user_id = $1",
            [owner.into()],
        ))
        .await?;
    }
    let merge_id = kernel::ids::new_id();
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO lead_merges (id, platform_id, source_id, target_id, moved_activities, \
         moved_tasks, source_owner_id, merged_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        [
            merge_id.into(),
            user.tenant.id.into(),
            source.id.into(),
            target.id.into(),
            moved_activities.clone().into(),
            moved_tasks.clone().into(),
            source.owner_id.into(),
            user.id.into(),
        ],
    ))
    .await?;
    for (on, data) in [
        (
            target.id,
            serde_json::json!({"merged_lead_id": source.id, "merge_id": merge_id}),
        ),
        (
            source.id,
            serde_json::json!({"merged_into": target.id, "merge_id": merge_id}),
        ),
    ] {
        add_activity(
            &txn,
            user.tenant.id,
            on,
            ActivityKind::Merged,
            Some(user.id),
            data,
        )
        .await?;
    }
    audit::record(
        &txn,
        Audit::by(user, "lead.merged", "lead", source.id).after(serde_json::json!({
            "into": target.id, "activities": moved_activities.len(), "tasks": moved_tasks.len(),
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(MergeAnswer {
        merge_id,
        moved_activities: moved_activities.len(),
        moved_tasks: moved_tasks.len(),
        lead: detail(db, user, target.id).await?,
    })
}

/// Undoes the open merge of lead `source_id`: the rows it moved go back (those still on the
/// target), the lead reopens with its owner's place taken back. Audited.
pub async fn unmerge(
    db: &DatabaseConnection,
    user: &AuthUser,
    source_id: Uuid,
) -> Result<LeadDetail, CrmError> {
    let txn = db.begin().await?;
    let source = visible(&txn, user, source_id, true).await?;
    let view = access::view_of(&txn, user).await?;
    may_merge(user, &view)?;
    let row = txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT id, target_id, moved_activities, moved_tasks FROM lead_merges \
             WHERE source_id = $1 AND platform_id = $2 AND undone_at IS NULL FOR UPDATE",
            [source.id.into(), user.tenant.id.into()],
        ))
        .await?
        .ok_or_else(|| CrmError::Invalid("id", "this lead is not merged".into()))?;
    let merge_id: Uuid = row.try_get("", "id")?;
    let target_id: Uuid = row.try_get("", "target_id")?;
    let activities: Vec<Uuid> = row.try_get("", "moved_activities")?;
    let tasks: Vec<Uuid> = row.try_get("", "moved_tasks")?;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE lead_activities SET lead_id = $1 WHERE lead_id = $2 AND id = ANY($3)",
        [source.id.into(), target_id.into(), activities.into()],
    ))
    .await?;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE lead_tasks SET lead_id = $1, assignee_id = COALESCE($4, assignee_id) \
         WHERE lead_id = $2 AND id = ANY($3)",
        [
            source.id.into(),
            target_id.into(),
            tasks.into(),
            source.owner_id.into(),
        ],
    ))
    .await?;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE leads SET merged_into = NULL, updated_at = now() WHERE id = $1",
        [source.id.into()],
    ))
    .await?;
    if let Some(owner) = source.owner_id
        && !source.stage.is_closed()
    {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE sales_agents SET open_leads = open_leads + 1, updated_at = now() \
             WHERE user_id = $1",
            [owner.into()],
        ))
        .await?;
    }
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE lead_merges SET undone_at = now(), undone_by = $2 WHERE id = $1",
        [merge_id.into(), user.id.into()],
    ))
    .await?;
    for (on, data) in [
        (
            target_id,
            serde_json::json!({"merged_lead_id": source.id, "merge_id": merge_id}),
        ),
        (
            source.id,
            serde_json::json!({"merged_into": target_id, "merge_id": merge_id}),
        ),
    ] {
        add_activity(
            &txn,
            user.tenant.id,
            on,
            ActivityKind::Unmerged,
            Some(user.id),
            data,
        )
        .await?;
    }
    audit::record(
        &txn,
        Audit::by(user, "lead.unmerged", "lead", source.id)
            .after(serde_json::json!({"from": target_id, "merge_id": merge_id})),
    )
    .await?;
    txn.commit().await?;
    detail(db, user, source.id).await
}

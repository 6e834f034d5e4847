//! The sales desk: lists and details within the caller's view, stage changes with history,
//! notes, follow-up tasks and reassignment (audited).

use chrono::{DateTime, Utc};
use kernel::{
    audit::{self, Audit},
    auth::AuthUser,
    pagination::{Page, PageParams},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend,
    DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select, Set, Statement,
    TransactionTrait, sea_query::Expr,
};
use uuid::Uuid;

use crate::{
    CrmError,
    dto::leads::{ContactPreferences, LeadDetail, LeadDto, NewTask, StageChange, StageStayDto},
    entities::{
        ActivityKind, Stage, lead_activities, lead_stage_history, lead_tasks, leads, sales_agents,
    },
    events::{LeadAssigned, LeadStageChanged},
    service::access::{self, View},
};

/// Writes a timeline entry by a user (or the system).
pub async fn add_activity<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    lead_id: Uuid,
    kind: ActivityKind,
    actor_id: Option<Uuid>,
    data: serde_json::Value,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO lead_activities (id, platform_id, lead_id, kind, actor_id, data) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        [
            kernel::ids::new_id().into(),
            platform_id.into(),
            lead_id.into(),
            kind.to_string().into(),
            actor_id.into(),
            data.into(),
        ],
    ))
    .await?;
    Ok(())
}

pub(crate) fn scoped(view: &View) -> Condition {
    match view {
        View::Platform => Condition::all(),
        View::Owners(ids) => Condition::all().add(leads::Column::OwnerId.is_in(ids.clone())),
    }
}

/// The leads the caller sees, newest first.
pub async fn list(
    db: &DatabaseConnection,
    user: &AuthUser,
    stage: Option<Stage>,
    page: &PageParams,
) -> Result<Page<LeadDto>, CrmError> {
    let limit = page.limit()?;
    let after: Option<(DateTime<Utc>, Uuid)> = page.after()?;
    let view = access::view_of(db, user).await?;
    let mut q = in_view(user.tenant.id, &view);
    if let Some(stage) = stage {
        q = q.filter(leads::Column::Stage.eq(stage));
    }
    newest_first(db, q, after, limit).await
}

/// The platform's leads within `view`, merged duplicates left out: the base of every list.
pub(crate) fn in_view(platform_id: Uuid, view: &View) -> Select<leads::Entity> {
    leads::Entity::find()
        .filter(leads::Column::PlatformId.eq(platform_id))
        .filter(scoped(view))
        .filter(leads::Column::MergedInto.is_null())
}

/// One page of `q`, newest first, after the keyset cursor `after` (`created_at`, `id`).
pub(crate) async fn newest_first(
    db: &DatabaseConnection,
    mut q: Select<leads::Entity>,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: u64,
) -> Result<Page<LeadDto>, CrmError> {
    if let Some((at, id)) = after {
        q = q.filter(
            Condition::any().add(leads::Column::CreatedAt.lt(at)).add(
                Condition::all()
                    .add(leads::Column::CreatedAt.eq(at))
                    .add(leads::Column::Id.lt(id)),
            ),
        );
    }
    let rows = q
        .order_by_desc(leads::Column::CreatedAt)
        .order_by_desc(leads::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    Ok(Page::from_rows(rows, limit, |l| (l.created_at, l.id)).map(LeadDto::from))
}

/// The lead if the caller sees it, else 404.
pub(crate) async fn visible<C: ConnectionTrait>(
    conn: &C,
    user: &AuthUser,
    lead_id: Uuid,
    lock: bool,
) -> Result<leads::Model, CrmError> {
    let mut q =
        leads::Entity::find_by_id(lead_id).filter(leads::Column::PlatformId.eq(user.tenant.id));
    if lock {
        q = q.lock_exclusive();
    }
    let lead = q.one(conn).await?.ok_or(CrmError::NotFound("lead"))?;
    if access::view_of(conn, user).await?.sees(lead.owner_id) {
        Ok(lead)
    } else {
        Err(CrmError::NotFound("lead"))
    }
}

async fn detail_of<C: ConnectionTrait>(
    conn: &C,
    lead: leads::Model,
) -> Result<LeadDetail, CrmError> {
    let now = Utc::now();
    let history = lead_stage_history::Entity::find()
        .filter(lead_stage_history::Column::LeadId.eq(lead.id))
        .order_by_asc(lead_stage_history::Column::EnteredAt)
        .order_by_asc(lead_stage_history::Column::Id)
        .all(conn)
        .await?;
    let activities = lead_activities::Entity::find()
        .filter(lead_activities::Column::LeadId.eq(lead.id))
        .order_by_asc(lead_activities::Column::CreatedAt)
        .order_by_asc(lead_activities::Column::Id)
        .limit(500)
        .all(conn)
        .await?;
    let tasks = lead_tasks::Entity::find()
        .filter(lead_tasks::Column::LeadId.eq(lead.id))
        .order_by_asc(lead_tasks::Column::DueAt)
        .order_by_asc(lead_tasks::Column::Id)
        .limit(200)
        .all(conn)
        .await?;
    let call_ids: Vec<Uuid> = activities
        .iter()
        .filter(|a| a.kind == ActivityKind::Call)
        .filter_map(|a| a.data.get("call_id").and_then(|v| v.as_str()))
        .filter_map(|s| s.parse().ok())
        .collect();
    let calls = if call_ids.is_empty() {
        Vec::new()
    } else {
        conn.query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT id, sid, status, duration_secs, recording_url, created_by, created_at \
             FROM exotel_calls WHERE id = ANY($1) AND platform_id = $2 \
             ORDER BY created_at DESC",
            [call_ids.into(), lead.platform_id.into()],
        ))
        .await?
        .iter()
        .map(|r| {
            Ok(crate::dto::leads::LeadCallDto {
                id: r.try_get("", "id")?,
                sid: r.try_get("", "sid")?,
                status: r.try_get("", "status")?,
                duration_secs: r.try_get("", "duration_secs")?,
                recording_url: r.try_get("", "recording_url")?,
                placed_by: r.try_get("", "created_by")?,
                created_at: r.try_get("", "created_at")?,
            })
        })
        .collect::<Result<Vec<_>, DbErr>>()?
    };
    Ok(LeadDetail {
        calls,
        lead: lead.into(),
        stage_history: history
            .into_iter()
            .map(|h| StageStayDto::from_model(h, now))
            .collect(),
        activities: activities.into_iter().map(Into::into).collect(),
        tasks: tasks.into_iter().map(Into::into).collect(),
    })
}

/// A lead with its history, timeline and tasks (404 outside the caller's view).
pub async fn detail(
    db: &DatabaseConnection,
    user: &AuthUser,
    lead_id: Uuid,
) -> Result<LeadDetail, CrmError> {
    let lead = visible(db, user, lead_id, false).await?;
    detail_of(db, lead).await
}

/// Moves a lead to a stage: closes the current stay, opens the next, writes the timeline,
/// frees (or takes back) a place in the owner's capacity when the lead closes (or reopens)
/// and publishes `lead.stage_changed`. The same stage again changes nothing.
pub async fn change_stage(
    db: &DatabaseConnection,
    user: &AuthUser,
    lead_id: Uuid,
    req: StageChange,
) -> Result<LeadDetail, CrmError> {
    let txn = db.begin().await?;
    let lead = visible(&txn, user, lead_id, true).await?;
    let from = lead.stage;
    if from == req.stage {
        let out = detail_of(&txn, lead).await?;
        txn.commit().await?;
        return Ok(out);
    }
    let note = req
        .note
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty());
    let lead = apply_stage(&txn, &user.tenant, lead, req.stage, Some(user.id), note, 0).await?;
    let out = detail_of(&txn, lead).await?;
    txn.commit().await?;
    Ok(out)
}

/// Moves `lead` (locked by the caller) to `to` inside `txn`: closes the current stay, opens
/// the next, writes the timeline, moves the owner's open-lead count when the lead closes or
/// reopens, and publishes `lead.stage_changed` at `depth` (0 for a person, one more than the
/// run's for a workflow step).
pub async fn apply_stage<C: ConnectionTrait>(
    txn: &C,
    tenant: &kernel::Tenant,
    lead: leads::Model,
    to: Stage,
    actor: Option<Uuid>,
    note: Option<String>,
    depth: i32,
) -> Result<leads::Model, CrmError> {
    let from = lead.stage;
    let now = Utc::now();
    lead_stage_history::Entity::update_many()
        .col_expr(lead_stage_history::Column::LeftAt, Expr::value(now))
        .filter(lead_stage_history::Column::LeadId.eq(lead.id))
        .filter(lead_stage_history::Column::LeftAt.is_null())
        .exec(txn)
        .await?;
    lead_stage_history::ActiveModel {
        id: Set(kernel::ids::new_id()),
        platform_id: Set(lead.platform_id),
        lead_id: Set(lead.id),
        stage: Set(to),
        entered_at: Set(now),
        left_at: Set(None),
        changed_by: Set(actor),
        note: Set(note.clone()),
    }
    .insert(txn)
    .await?;
    if let Some(owner) = lead.owner_id
        && from.is_closed() != to.is_closed()
    {
        let delta = if to.is_closed() { "- 1" } else { "+ 1" };
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "UPDATE sales_agents SET open_leads = GREATEST(open_leads {delta}, 0), \
                 updated_at = now() WHERE user_id = $1"
            ),
            [owner.into()],
        ))
        .await?;
    }
    let mut active: leads::ActiveModel = lead.into();
    active.stage = Set(to);
    active.stage_changed_at = Set(now);
    active.updated_at = Set(now);
    let lead = active.update(txn).await?;
    lead_activities::ActiveModel {
        id: Set(kernel::ids::new_id()),
        platform_id: Set(lead.platform_id),
        lead_id: Set(lead.id),
        kind: Set(ActivityKind::StageChanged),
        actor_id: Set(actor),
        vendor_id: Set(None),
        source: Set(None),
        body: Set(note),
        data: Set(serde_json::json!({"from": from, "to": to})),
        created_at: Set(now),
    }
    .insert(txn)
    .await?;
    jobs::outbox::publish_in(
        txn,
        tenant,
        &LeadStageChanged {
            lead_id: lead.id,
            from,
            to,
            changed_by: actor,
            depth,
        },
    )
    .await?;
    Ok(lead)
}

/// Adds a note to the timeline.
pub async fn add_note(
    db: &DatabaseConnection,
    user: &AuthUser,
    lead_id: Uuid,
    body: &str,
) -> Result<LeadDetail, CrmError> {
    let body = body.trim();
    if body.is_empty() {
        return Err(CrmError::Invalid("body", "is required".into()));
    }
    let txn = db.begin().await?;
    let lead = visible(&txn, user, lead_id, false).await?;
    lead_activities::ActiveModel {
        id: Set(kernel::ids::new_id()),
        platform_id: Set(lead.platform_id),
        lead_id: Set(lead.id),
        kind: Set(ActivityKind::Note),
        actor_id: Set(Some(user.id)),
        vendor_id: Set(None),
        source: Set(None),
        body: Set(Some(body.to_owned())),
        data: Set(serde_json::json!({})),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    let out = detail_of(&txn, lead).await?;
    txn.commit().await?;
    Ok(out)
}

/// Sets a follow-up task for the lead's owner (or the caller when it has none).
pub async fn add_task(
    db: &DatabaseConnection,
    user: &AuthUser,
    lead_id: Uuid,
    req: NewTask,
) -> Result<LeadDetail, CrmError> {
    let title = req.title.trim().to_owned();
    if title.is_empty() {
        return Err(CrmError::Invalid("title", "is required".into()));
    }
    let txn = db.begin().await?;
    let lead = visible(&txn, user, lead_id, false).await?;
    let task = lead_tasks::ActiveModel {
        id: Set(kernel::ids::new_id()),
        platform_id: Set(lead.platform_id),
        lead_id: Set(lead.id),
        assignee_id: Set(lead.owner_id.or(Some(user.id))),
        title: Set(title),
        due_at: Set(req.due_at),
        done_at: Set(None),
        created_by: Set(Some(user.id)),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    add_activity(
        &txn,
        lead.platform_id,
        lead.id,
        ActivityKind::Task,
        Some(user.id),
        serde_json::json!({"task_id": task.id, "due_at": task.due_at}),
    )
    .await?;
    crate::service::reminders::schedule(&txn, &user.tenant, task.id, task.due_at).await?;
    let out = detail_of(&txn, lead).await?;
    txn.commit().await?;
    Ok(out)
}

/// Gives a lead to another agent: CM and ADMIN to any agent of the platform, a SALES_HEAD
/// within their team (a lead they see, to themselves or one of their agents). The counters of
/// both agents move, the change is audited (`lead.reassigned`) and on the timeline, and
/// `lead.assigned` is published. Plain SALES users cannot reassign (403).
pub async fn reassign(
    db: &DatabaseConnection,
    user: &AuthUser,
    lead_id: Uuid,
    owner_id: Uuid,
) -> Result<LeadDetail, CrmError> {
    let txn = db.begin().await?;
    let view = access::view_of(&txn, user).await?;
    if view != View::Platform && !user.caps.contains(&kernel::auth::Capability::SalesHead) {
        return Err(CrmError::Forbidden(
            "reassigning leads requires the sales-head or community-manager capability".into(),
        ));
    }
    let lead = visible(&txn, user, lead_id, true).await?;
    if !view.sees(Some(owner_id)) {
        return Err(CrmError::Invalid(
            "owner_id",
            "is not an agent of your team".into(),
        ));
    }
    let agent = sales_agents::Entity::find_by_id(owner_id)
        .filter(sales_agents::Column::PlatformId.eq(user.tenant.id))
        .one(&txn)
        .await?
        .ok_or_else(|| {
            CrmError::Invalid("owner_id", "is not a sales agent of this platform".into())
        })?;
    let previous = lead.owner_id;
    if previous == Some(agent.user_id) {
        let out = detail_of(&txn, lead).await?;
        txn.commit().await?;
        return Ok(out);
    }
    if !lead.stage.is_closed() {
        if let Some(prev) = previous {
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
            "UPDATE sales_agents SET open_leads = open_leads + 1, \
             assigned_total = assigned_total + 1, last_assigned_at = clock_timestamp(), \
             updated_at = now() WHERE user_id = $1",
            [agent.user_id.into()],
        ))
        .await?;
    }
    let now = Utc::now();
    let mut active: leads::ActiveModel = lead.into();
    active.owner_id = Set(Some(agent.user_id));
    active.assigned_at = Set(Some(now));
    active.updated_at = Set(now);
    let lead = active.update(&txn).await?;
    let change = (
        serde_json::json!({"owner_id": previous}),
        serde_json::json!({"owner_id": agent.user_id}),
    );
    add_activity(
        &txn,
        lead.platform_id,
        lead.id,
        ActivityKind::Reassigned,
        Some(user.id),
        serde_json::json!({"from": previous, "to": agent.user_id}),
    )
    .await?;
    audit::record(
        &txn,
        Audit::by(user, "lead.reassigned", "lead", lead.id).change(change.0, change.1),
    )
    .await?;
    jobs::outbox::publish_in(
        &txn,
        &user.tenant,
        &LeadAssigned {
            lead_id: lead.id,
            owner_id: agent.user_id,
            previous_owner_id: previous,
        },
    )
    .await?;
    let out = detail_of(&txn, lead).await?;
    txn.commit().await?;
    Ok(out)
}

/// Sets the lead's contact preferences (do-not-disturb, WhatsApp consent); the change is on
/// the timeline with who made it. Fields left out keep their value.
pub async fn set_preferences(
    db: &DatabaseConnection,
    user: &AuthUser,
    lead_id: Uuid,
    req: ContactPreferences,
) -> Result<LeadDetail, CrmError> {
    let txn = db.begin().await?;
    let lead = visible(&txn, user, lead_id, true).await?;
    let dnd = req.dnd.unwrap_or(lead.dnd);
    let consent = match req.whatsapp_consent {
        Some(c) => Some(c),
        None => lead.whatsapp_consent,
    };
    if dnd != lead.dnd || consent != lead.whatsapp_consent {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE leads SET dnd = $2, whatsapp_consent = $3, updated_at = now() WHERE id = $1",
            [lead.id.into(), dnd.into(), consent.into()],
        ))
        .await?;
        add_activity(
            &txn,
            lead.platform_id,
            lead.id,
            ActivityKind::Preferences,
            Some(user.id),
            serde_json::json!({
                "dnd": dnd, "whatsapp_consent": consent,
                "before": {"dnd": lead.dnd, "whatsapp_consent": lead.whatsapp_consent},
            }),
        )
        .await?;
    }
    let lead = leads::Entity::find_by_id(lead.id)
        .one(&txn)
        .await?
        .ok_or(CrmError::NotFound("lead"))?;
    let out = detail_of(&txn, lead).await?;
    txn.commit().await?;
    Ok(out)
}

/// Places an Exotel click-to-call from the lead (the agent's phone first, then the lead's),
/// stores it in comms' call log and puts it on the lead's timeline; the recording shows in
/// the lead's detail once Exotel's status callback brings it. A DND lead is refused (409), and
/// so is a `from` that is a lead whose preferences forbid a call (Exotel rings `from` first:
/// 409 naming `from`).
pub async fn place_call(
    db: &DatabaseConnection,
    exotel: &comms::ExotelClient,
    user: &AuthUser,
    lead_id: Uuid,
    from: Option<String>,
) -> Result<LeadDetail, CrmError> {
    let lead = visible(db, user, lead_id, false).await?;
    if lead.dnd {
        return Err(CrmError::DoNotDisturb);
    }
    let from = match from {
        Some(f) => Some(f),
        None => db
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT phone FROM users WHERE id = $1",
                [user.id.into()],
            ))
            .await?
            .and_then(|r| r.try_get::<Option<String>>("", "phone").ok())
            .flatten(),
    };
    let from = from.ok_or_else(|| {
        CrmError::Invalid("from", "give your phone (none in your profile)".into())
    })?;
    let from =
        crate::normalize::phone_e164(&from).map_err(|m| CrmError::Invalid("from", m.into()))?;
    if let comms::ContactVerdict::Block(refusal) =
        super::contact_policy::verdict(db, user.tenant.id, &from, comms::Channel::Call).await?
    {
        return Err(CrmError::App(
            kernel::AppError::new(refusal.code, refusal.detail).on_field("from"),
        ));
    }
    let placed = exotel
        .connect_call(&from, &lead.phone_e164)
        .await
        .map_err(|e| CrmError::App(e.into_app_error()))?;
    let txn = db.begin().await?;
    let row = comms::exotel::service::insert_call(
        &txn,
        comms::exotel::service::NewCall {
            platform_id: user.tenant.id,
            call: &placed,
            from: &from,
            to: &lead.phone_e164,
            caller_id: exotel.caller_id(),
            created_by: user.id,
        },
    )
    .await?;
    add_activity(
        &txn,
        lead.platform_id,
        lead.id,
        ActivityKind::Call,
        Some(user.id),
        serde_json::json!({"call_id": row.id, "sid": row.sid}),
    )
    .await?;
    let out = detail_of(&txn, lead).await?;
    txn.commit().await?;
    Ok(out)
}

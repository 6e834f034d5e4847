//! Miss Ozone (ADR 0072): an ElevenLabs voice mentor calling students. Admins keep call
//! configurations (the seed's `HrCallConfig`: the agent, what the call is for, a daily cap
//! per person, attempts and a retry backoff) and queue calls. The queue is the `ozone_calls`
//! table: a call is claimed with one conditional `UPDATE ... WHERE status = 'queued'`, so two
//! replicas (the `dial-ozone-call` job and the 60-second reconciler racing each other) never
//! dial it twice. Every dial is a row of `ozone_call_attempts`, which the daily cap counts
//! (IST days, every configuration). A failed dial goes back to the queue with a doubling
//! backoff until the configuration's attempts are spent. The signed post-call webhook or the
//! reconciler (for a call whose webhook never came) completes the call once; the 03:30 prune
//! blanks transcripts past their retention.

use chrono::{DateTime, Duration, Utc};
use kernel::{AppError, audit, tenant::Tenant};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, Statement, TransactionTrait, sea_query::Expr,
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    HireError,
    dto::ozone::{
        MyOzoneCall, NewOzoneCall, OzoneCallView, OzoneConfigInput, OzoneConfigPatch,
        OzoneConfigView,
    },
    elevenlabs::ElevenLabs,
    entities::{ozone_call_attempts, ozone_call_configs, ozone_calls},
};

/// Dials one Miss Ozone call (`missOzoneQueue`; the call id only). Queued with the call,
/// delayed to its time; a call already claimed or finished is skipped.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct DialOzoneCall {
    /// The call.
    pub call_id: uuid::Uuid,
}

impl jobs::JobSpec for DialOzoneCall {
    const QUEUE: &'static str = "missOzoneQueue";
    const NAME: &'static str = "dial-ozone-call";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// Waiting for its time.
pub const QUEUED: &str = "queued";
/// Claimed by a worker, the dial under way.
pub const DIALLING: &str = "dialling";
/// ElevenLabs took the call.
pub const DISPATCHED: &str = "dispatched";
/// Finished with a transcript.
pub const COMPLETED: &str = "completed";
/// Every attempt failed.
pub const FAILED: &str = "failed";
/// Cancelled before it was dialled.
pub const CANCELLED: &str = "cancelled";
/// Every status.
pub const STATUSES: &[&str] = &[QUEUED, DIALLING, DISPATCHED, COMPLETED, FAILED, CANCELLED];

/// A claimed call whose process died is queued again after this long.
const STUCK_DIALLING_SECS: i64 = 600;
/// Calls dialled per reconciler run at most.
const DUE_PER_RUN: u64 = 50;
/// Calls asked about per reconciler run at most.
const SYNC_PER_RUN: u64 = 100;

/// IST is UTC+05:30 all year (India keeps no daylight saving time).
const IST_OFFSET_SECS: i64 = 5 * 3600 + 1800;

/// The IST day around `at`: its start and the next day's start, in UTC.
pub fn ist_day(at: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let local = at.timestamp() + IST_OFFSET_SECS;
    let start_secs = local.div_euclid(86_400) * 86_400 - IST_OFFSET_SECS;
    let start = DateTime::<Utc>::from_timestamp(start_secs, 0).unwrap_or(at);
    (start, start + Duration::days(1))
}

/// The retry delay after `attempts` dials: the backoff doubled per earlier dial (capped at a day).
pub fn backoff(backoff_secs: i32, attempts: i32) -> Duration {
    let exp = u32::try_from(attempts.saturating_sub(1).clamp(0, 16)).unwrap_or(0);
    let secs = i64::from(backoff_secs).saturating_mul(1_i64 << exp);
    Duration::seconds(secs.min(86_400))
}

/// The answer shape of a configuration.
pub fn config_view(m: ozone_call_configs::Model) -> OzoneConfigView {
    OzoneConfigView {
        id: m.id,
        name: m.name,
        agent_id: m.agent_id,
        purpose: m.purpose,
        daily_cap_per_person: m.daily_cap_per_person,
        max_attempts: m.max_attempts,
        retry_backoff_secs: m.retry_backoff_secs,
        active: m.active,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

/// The answer shape of a call.
pub fn call_view(m: ozone_calls::Model) -> OzoneCallView {
    OzoneCallView {
        id: m.id,
        config_id: m.config_id,
        user_id: m.user_id,
        status: m.status,
        attempts: m.attempts,
        next_attempt_at: m.next_attempt_at,
        conversation_id: m.conversation_id,
        transcript: m.transcript,
        evaluation: m.evaluation,
        last_error: m.last_error,
        created_at: m.created_at,
        dispatched_at: m.dispatched_at,
        completed_at: m.completed_at,
        completed_via: m.completed_via,
        pruned_at: m.pruned_at,
        duration_secs: m.duration_secs,
    }
}

/// The answer shape of a call for the student called: no transcript, no configuration
/// internals; the summary from ElevenLabs' analysis when there is one.
pub fn my_call_view(m: ozone_calls::Model) -> MyOzoneCall {
    let summary = m
        .evaluation
        .as_ref()
        .and_then(|e| e["transcript_summary"].as_str())
        .map(str::to_owned);
    MyOzoneCall {
        id: m.id,
        status: m.status,
        scheduled_at: m.next_attempt_at,
        dispatched_at: m.dispatched_at,
        completed_at: m.completed_at,
        duration_secs: m.duration_secs,
        summary,
        created_at: m.created_at,
    }
}

/// A page of the calls to `user_id` on the platform, newest first.
pub async fn page_of_person<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: u64,
) -> Result<Vec<ozone_calls::Model>, HireError> {
    let mut q = ozone_calls::Entity::find()
        .filter(ozone_calls::Column::PlatformId.eq(platform_id))
        .filter(ozone_calls::Column::UserId.eq(user_id));
    if let Some((at, id)) = after {
        q = q.filter(Expr::cust_with_values(
            "(ozone_calls.created_at, ozone_calls.id) < ($1, $2)",
            [sea_orm::Value::from(at), sea_orm::Value::from(id)],
        ));
    }
    Ok(q.order_by_desc(ozone_calls::Column::CreatedAt)
        .order_by_desc(ozone_calls::Column::Id)
        .limit(limit + 1)
        .all(conn)
        .await?)
}

/// The platform's configurations by name.
pub async fn list_configs<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
) -> Result<Vec<OzoneConfigView>, HireError> {
    Ok(ozone_call_configs::Entity::find()
        .filter(ozone_call_configs::Column::PlatformId.eq(platform_id))
        .order_by_asc(ozone_call_configs::Column::Name)
        .all(conn)
        .await?
        .into_iter()
        .map(config_view)
        .collect())
}

async fn name_free<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    name: &str,
    except: Option<Uuid>,
) -> Result<(), HireError> {
    let mut q = ozone_call_configs::Entity::find()
        .filter(ozone_call_configs::Column::PlatformId.eq(platform_id))
        .filter(ozone_call_configs::Column::Name.eq(name));
    if let Some(id) = except {
        q = q.filter(ozone_call_configs::Column::Id.ne(id));
    }
    if q.one(conn).await?.is_some() {
        return Err(HireError::Invalid(
            "name",
            "another call configuration has this name".into(),
        ));
    }
    Ok(())
}

/// Creates a configuration (audited).
pub async fn create_config(
    db: &DatabaseConnection,
    tenant: &Tenant,
    actor: Uuid,
    req: OzoneConfigInput,
) -> Result<OzoneConfigView, HireError> {
    let name = req.name.trim().to_owned();
    if name.is_empty() {
        return Err(HireError::Invalid("name", "must not be blank".into()));
    }
    let txn = db.begin().await?;
    name_free(&txn, tenant.id, &name, None).await?;
    let now = Utc::now();
    let row = ozone_call_configs::ActiveModel {
        id: Set(Uuid::now_v7()),
        platform_id: Set(tenant.id),
        name: Set(name),
        agent_id: Set(req.agent_id.trim().to_owned()),
        purpose: Set(req.purpose),
        daily_cap_per_person: Set(req.daily_cap_per_person),
        max_attempts: Set(req.max_attempts),
        retry_backoff_secs: Set(req.retry_backoff_secs),
        active: Set(req.active),
        created_by: Set(Some(actor)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        audit::Audit::new(
            tenant.id,
            Some(actor),
            "ozone_config.create",
            "ozone_call_config",
            row.id,
        )
        .after(json!({"name": row.name, "agent_id": row.agent_id,
            "daily_cap_per_person": row.daily_cap_per_person, "max_attempts": row.max_attempts})),
    )
    .await?;
    txn.commit().await?;
    Ok(config_view(row))
}

async fn find_config<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    id: Uuid,
) -> Result<ozone_call_configs::Model, HireError> {
    ozone_call_configs::Entity::find_by_id(id)
        .filter(ozone_call_configs::Column::PlatformId.eq(platform_id))
        .one(conn)
        .await?
        .ok_or(HireError::NotFound("call configuration"))
}

/// Changes a configuration (audited); calls already queued follow the new values.
pub async fn update_config(
    db: &DatabaseConnection,
    tenant: &Tenant,
    actor: Uuid,
    id: Uuid,
    req: OzoneConfigPatch,
) -> Result<OzoneConfigView, HireError> {
    let txn = db.begin().await?;
    let before = find_config(&txn, tenant.id, id).await?;
    let mut row: ozone_call_configs::ActiveModel = before.clone().into();
    if let Some(name) = req.name {
        let name = name.trim().to_owned();
        if name.is_empty() {
            return Err(HireError::Invalid("name", "must not be blank".into()));
        }
        name_free(&txn, tenant.id, &name, Some(id)).await?;
        row.name = Set(name);
    }
    if let Some(v) = req.agent_id {
        row.agent_id = Set(v.trim().to_owned());
    }
    if let Some(v) = req.purpose {
        row.purpose = Set(v);
    }
    if let Some(v) = req.daily_cap_per_person {
        row.daily_cap_per_person = Set(v);
    }
    if let Some(v) = req.max_attempts {
        row.max_attempts = Set(v);
    }
    if let Some(v) = req.retry_backoff_secs {
        row.retry_backoff_secs = Set(v);
    }
    if let Some(v) = req.active {
        row.active = Set(v);
    }
    row.updated_at = Set(Utc::now());
    let after = row.update(&txn).await?;
    audit::record(
        &txn,
        audit::Audit::new(
            tenant.id,
            Some(actor),
            "ozone_config.update",
            "ozone_call_config",
            id,
        )
        .change(
            json!({"name": before.name, "agent_id": before.agent_id, "active": before.active,
                "daily_cap_per_person": before.daily_cap_per_person, "max_attempts": before.max_attempts,
                "retry_backoff_secs": before.retry_backoff_secs}),
            json!({"name": after.name, "agent_id": after.agent_id, "active": after.active,
                "daily_cap_per_person": after.daily_cap_per_person, "max_attempts": after.max_attempts,
                "retry_backoff_secs": after.retry_backoff_secs}),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(config_view(after))
}

/// The phone number of an active user of the platform (E.164; numbers without a country
/// code are Indian). 404 for no such user, `None` without a number.
async fn phone_of<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
) -> Result<Option<String>, HireError> {
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT phone FROM users WHERE id = $1 AND platform_id = $2 AND status = 'active'",
            [user_id.into(), platform_id.into()],
        ))
        .await?
        .ok_or(HireError::NotFound("user"))?;
    let phone: Option<String> = row.try_get("", "phone")?;
    Ok(phone
        .map(|p| {
            p.chars()
                .filter(|c| c.is_ascii_digit() || *c == '+')
                .collect::<String>()
        })
        .filter(|p| p.trim_start_matches('+').len() >= 6)
        .map(|p| {
            if p.starts_with('+') {
                p
            } else {
                format!("+91{}", p.trim_start_matches('0'))
            }
        }))
}

/// Serialises cap decisions about one person (both the queueing and the dialling side).
async fn lock_person<C: ConnectionTrait>(conn: &C, user_id: Uuid) -> Result<(), HireError> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
        [format!("ozone-person:{user_id}").into()],
    ))
    .await?;
    Ok(())
}

/// Calls made or planned for a person on the IST day of `at`: dials that day, plus queued
/// calls due that day not dialled yet (other than `except`).
async fn planned_that_day<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
    at: DateTime<Utc>,
    except: Option<Uuid>,
) -> Result<i64, HireError> {
    let (start, end) = ist_day(at);
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT (SELECT count(*) FROM ozone_call_attempts
                      WHERE platform_id = $1 AND user_id = $2 AND dialled_at >= $3 AND dialled_at < $4)
                  + (SELECT count(*) FROM ozone_calls
                      WHERE platform_id = $1 AND user_id = $2 AND status = 'queued' AND attempts = 0
                        AND next_attempt_at >= $3 AND next_attempt_at < $4
                        AND id IS DISTINCT FROM $5) AS n",
            [
                platform_id.into(),
                user_id.into(),
                start.into(),
                end.into(),
                except.into(),
            ],
        ))
        .await?;
    Ok(row
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0))
}

/// Queues a call (audited) and its `dial-ozone-call` job (through the outbox, delayed to
/// `at`). 503 without ElevenLabs; 404 for another platform's configuration or user; 422 for
/// an inactive configuration, a user without a phone or a time out of range; 409
/// `daily_call_cap_reached` when the person's day is full.
pub async fn create_call(
    db: &DatabaseConnection,
    client: Option<&ElevenLabs>,
    tenant: &Tenant,
    actor: Uuid,
    req: NewOzoneCall,
) -> Result<OzoneCallView, HireError> {
    if client.is_none() {
        return Err(HireError::App(AppError::provider_not_configured(
            "ElevenLabs (Miss Ozone)",
        )));
    }
    let now = Utc::now();
    let at = req.at.unwrap_or(now).max(now);
    if at > now + Duration::days(30) {
        return Err(HireError::Invalid("at", "at most 30 days ahead".into()));
    }
    let config = find_config(db, tenant.id, req.config_id).await?;
    if !config.active {
        return Err(HireError::Invalid(
            "config_id",
            "the call configuration is inactive".into(),
        ));
    }
    if phone_of(db, tenant.id, req.user_id).await?.is_none() {
        return Err(HireError::Invalid(
            "user_id",
            "the user has no phone number".into(),
        ));
    }
    let txn = db.begin().await?;
    lock_person(&txn, req.user_id).await?;
    let planned = planned_that_day(&txn, tenant.id, req.user_id, at, None).await?;
    if planned >= i64::from(config.daily_cap_per_person) {
        return Err(HireError::DailyCallCap(planned));
    }
    let row = ozone_calls::ActiveModel {
        id: Set(Uuid::now_v7()),
        platform_id: Set(tenant.id),
        config_id: Set(config.id),
        user_id: Set(req.user_id),
        status: Set(QUEUED.to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(at),
        conversation_id: Set(None),
        transcript: Set(None),
        evaluation: Set(None),
        last_error: Set(None),
        requested_by: Set(Some(actor)),
        created_at: Set(now),
        updated_at: Set(now),
        dispatched_at: Set(None),
        completed_at: Set(None),
        completed_via: Set(None),
        pruned_at: Set(None),
        duration_secs: Set(None),
    }
    .insert(&txn)
    .await?;
    let delay = (at - now).to_std().unwrap_or_default();
    jobs::outbox::enqueue_delayed_in(&txn, tenant, &DialOzoneCall { call_id: row.id }, delay)
        .await?;
    audit::record(
        &txn,
        audit::Audit::new(
            tenant.id,
            Some(actor),
            "ozone_call.create",
            "ozone_call",
            row.id,
        )
        .after(json!({"config_id": config.id, "user_id": req.user_id, "at": at})),
    )
    .await?;
    txn.commit().await?;
    Ok(call_view(row))
}

/// A call of the platform.
pub async fn find_call<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    id: Uuid,
) -> Result<ozone_calls::Model, HireError> {
    ozone_calls::Entity::find_by_id(id)
        .filter(ozone_calls::Column::PlatformId.eq(platform_id))
        .one(conn)
        .await?
        .ok_or(HireError::NotFound("call"))
}

/// A page of the platform's calls, newest first.
pub async fn page<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    status: Option<&str>,
    user_id: Option<Uuid>,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: u64,
) -> Result<Vec<ozone_calls::Model>, HireError> {
    if let Some(s) = status
        && !STATUSES.contains(&s)
    {
        return Err(HireError::Invalid(
            "status",
            format!("one of {}", STATUSES.join(", ")),
        ));
    }
    let mut q = ozone_calls::Entity::find().filter(ozone_calls::Column::PlatformId.eq(platform_id));
    if let Some(s) = status {
        q = q.filter(ozone_calls::Column::Status.eq(s));
    }
    if let Some(u) = user_id {
        q = q.filter(ozone_calls::Column::UserId.eq(u));
    }
    if let Some((at, id)) = after {
        q = q.filter(Expr::cust_with_values(
            "(ozone_calls.created_at, ozone_calls.id) < ($1, $2)",
            [sea_orm::Value::from(at), sea_orm::Value::from(id)],
        ));
    }
    Ok(q.order_by_desc(ozone_calls::Column::CreatedAt)
        .order_by_desc(ozone_calls::Column::Id)
        .limit(limit + 1)
        .all(conn)
        .await?)
}

/// Cancels a queued call (audited); 409 `call_not_cancellable` otherwise.
pub async fn cancel(
    db: &DatabaseConnection,
    tenant: &Tenant,
    actor: Uuid,
    id: Uuid,
) -> Result<OzoneCallView, HireError> {
    let txn = db.begin().await?;
    let call = find_call(&txn, tenant.id, id).await?;
    let res = ozone_calls::Entity::update_many()
        .col_expr(ozone_calls::Column::Status, Expr::value(CANCELLED))
        .col_expr(ozone_calls::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(ozone_calls::Column::Id.eq(id))
        .filter(ozone_calls::Column::Status.eq(QUEUED))
        .exec(&txn)
        .await?;
    if res.rows_affected == 0 {
        return Err(HireError::CallNotCancellable(call.status));
    }
    audit::record(
        &txn,
        audit::Audit::new(
            tenant.id,
            Some(actor),
            "ozone_call.cancel",
            "ozone_call",
            id,
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(call_view(find_call(db, tenant.id, id).await?))
}

/// What one dial did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialled {
    /// Not queued, or not due: another worker has it or it is finished.
    Skipped,
    /// The person's day was full: put off to the next IST day.
    Deferred,
    /// ElevenLabs took the call.
    Dispatched,
    /// The dial failed and the call is queued again after its backoff.
    Retrying,
    /// The dial failed and no attempt is left.
    Failed,
}

/// Claims a due queued call (one conditional update) and dials it.
pub async fn dial(
    db: &DatabaseConnection,
    client: &ElevenLabs,
    call_id: Uuid,
) -> Result<Dialled, HireError> {
    let claimed = ozone_calls::Entity::find()
        .from_raw_sql(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE ozone_calls SET status = 'dialling', attempts = attempts + 1, updated_at = now()
              WHERE id = $1 AND status = 'queued' AND next_attempt_at <= now()
              RETURNING *",
            [call_id.into()],
        ))
        .one(db)
        .await?;
    let Some(call) = claimed else {
        return Ok(Dialled::Skipped);
    };
    let config = ozone_call_configs::Entity::find_by_id(call.config_id)
        .one(db)
        .await?
        .ok_or(HireError::NotFound("call configuration"))?;

    // the daily cap, counted in dials, decided under the person's lock
    let txn = db.begin().await?;
    lock_person(&txn, call.user_id).await?;
    let now = Utc::now();
    let (start, end) = ist_day(now);
    let dialled_today = txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT count(*) AS n FROM ozone_call_attempts
              WHERE platform_id = $1 AND user_id = $2 AND dialled_at >= $3 AND dialled_at < $4",
            [
                call.platform_id.into(),
                call.user_id.into(),
                start.into(),
                end.into(),
            ],
        ))
        .await?
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0);
    if dialled_today >= i64::from(config.daily_cap_per_person) {
        ozone_calls::Entity::update_many()
            .col_expr(ozone_calls::Column::Status, Expr::value(QUEUED))
            .col_expr(
                ozone_calls::Column::Attempts,
                Expr::value(call.attempts - 1),
            )
            .col_expr(ozone_calls::Column::NextAttemptAt, Expr::value(end))
            .col_expr(
                ozone_calls::Column::LastError,
                Expr::value("the person's daily call cap was reached; put off to the next day"),
            )
            .col_expr(ozone_calls::Column::UpdatedAt, Expr::value(now))
            .filter(ozone_calls::Column::Id.eq(call.id))
            .filter(ozone_calls::Column::Status.eq(DIALLING))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        tracing::info!(call = %call.id, "miss ozone call put off: daily cap");
        return Ok(Dialled::Deferred);
    }
    let attempt = ozone_call_attempts::ActiveModel {
        id: Set(Uuid::now_v7()),
        platform_id: Set(call.platform_id),
        call_id: Set(call.id),
        user_id: Set(call.user_id),
        attempt: Set(call.attempts),
        dialled_at: Set(now),
        conversation_id: Set(None),
        error: Set(None),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;

    let outcome = match phone_of(db, call.platform_id, call.user_id).await {
        Ok(Some(to)) => {
            client
                .outbound_call_as(
                    &config.agent_id,
                    &to,
                    json!({"call_id": call.id, "purpose": config.purpose}),
                )
                .await
        }
        Ok(None) => Err(HireError::Invalid(
            "user_id",
            "the user has no phone number".into(),
        )),
        Err(e) => Err(e),
    };
    match outcome {
        Ok(conversation_id) => {
            ozone_call_attempts::Entity::update_many()
                .col_expr(
                    ozone_call_attempts::Column::ConversationId,
                    Expr::value(conversation_id.clone()),
                )
                .filter(ozone_call_attempts::Column::Id.eq(attempt.id))
                .exec(db)
                .await?;
            ozone_calls::Entity::update_many()
                .col_expr(ozone_calls::Column::Status, Expr::value(DISPATCHED))
                .col_expr(
                    ozone_calls::Column::ConversationId,
                    Expr::value(conversation_id),
                )
                .col_expr(ozone_calls::Column::DispatchedAt, Expr::value(Utc::now()))
                .col_expr(ozone_calls::Column::LastError, Expr::value(None::<String>))
                .col_expr(ozone_calls::Column::UpdatedAt, Expr::value(Utc::now()))
                .filter(ozone_calls::Column::Id.eq(call.id))
                .filter(ozone_calls::Column::Status.eq(DIALLING))
                .exec(db)
                .await?;
            tracing::info!(call = %call.id, attempt = call.attempts, "miss ozone call dispatched");
            Ok(Dialled::Dispatched)
        }
        Err(e) => {
            let message: String = e.to_string().chars().take(500).collect();
            ozone_call_attempts::Entity::update_many()
                .col_expr(
                    ozone_call_attempts::Column::Error,
                    Expr::value(message.clone()),
                )
                .filter(ozone_call_attempts::Column::Id.eq(attempt.id))
                .exec(db)
                .await?;
            tracing::warn!(call = %call.id, attempt = call.attempts, error = %message, "miss ozone dial failed");
            retry_or_fail(db, &call, &config, DIALLING, &message).await
        }
    }
}

/// After a failed dial or call: queued again after the backoff while attempts remain, else
/// failed. Conditional on the status the caller saw.
async fn retry_or_fail(
    db: &DatabaseConnection,
    call: &ozone_calls::Model,
    config: &ozone_call_configs::Model,
    from: &str,
    message: &str,
) -> Result<Dialled, HireError> {
    let now = Utc::now();
    let retry = call.attempts < config.max_attempts;
    let mut update = ozone_calls::Entity::update_many()
        .col_expr(
            ozone_calls::Column::Status,
            Expr::value(if retry { QUEUED } else { FAILED }),
        )
        .col_expr(
            ozone_calls::Column::LastError,
            Expr::value(message.to_owned()),
        )
        .col_expr(ozone_calls::Column::UpdatedAt, Expr::value(now));
    if retry {
        update = update.col_expr(
            ozone_calls::Column::NextAttemptAt,
            Expr::value(now + backoff(config.retry_backoff_secs, call.attempts)),
        );
    }
    update
        .filter(ozone_calls::Column::Id.eq(call.id))
        .filter(ozone_calls::Column::Status.eq(from))
        .exec(db)
        .await?;
    Ok(if retry {
        Dialled::Retrying
    } else {
        Dialled::Failed
    })
}

/// The call's length from ElevenLabs' conversation data (`metadata.call_duration_secs`), when
/// it is a plausible number of seconds.
pub fn duration_secs(data: &Value) -> Option<i32> {
    data["metadata"]["call_duration_secs"]
        .as_f64()
        .filter(|s| s.is_finite() && (0.0..=86400.0).contains(s))
        .map(|s| s.round() as i32)
}

/// Completes the call of `conversation_id` from ElevenLabs' conversation data (webhook or
/// status API). Answers whether this call completed it: unknown conversations and finished
/// calls change nothing.
pub async fn complete<C: ConnectionTrait>(
    conn: &C,
    conversation_id: &str,
    data: &Value,
    via: &str,
) -> Result<bool, HireError> {
    let now = Utc::now();
    let res = ozone_calls::Entity::update_many()
        .col_expr(ozone_calls::Column::Status, Expr::value(COMPLETED))
        .col_expr(
            ozone_calls::Column::Transcript,
            Expr::value(data["transcript"].clone()),
        )
        .col_expr(
            ozone_calls::Column::Evaluation,
            Expr::value(data["analysis"].clone()),
        )
        .col_expr(ozone_calls::Column::CompletedAt, Expr::value(now))
        .col_expr(
            ozone_calls::Column::DurationSecs,
            Expr::value(duration_secs(data)),
        )
        .col_expr(
            ozone_calls::Column::CompletedVia,
            Expr::value(via.to_owned()),
        )
        .col_expr(ozone_calls::Column::UpdatedAt, Expr::value(now))
        .filter(ozone_calls::Column::ConversationId.eq(conversation_id))
        .filter(ozone_calls::Column::Status.eq(DISPATCHED))
        .exec(conn)
        .await?;
    if res.rows_affected > 0 {
        tracing::info!(
            conversation = conversation_id,
            via,
            "miss ozone call completed"
        );
    }
    Ok(res.rows_affected > 0)
}

/// What a reconciler run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reconciled {
    /// Claimed calls whose process died, queued again.
    pub unstuck: u64,
    /// Due calls dialled (ElevenLabs took them).
    pub dispatched: usize,
    /// Calls completed from the status API.
    pub completed: usize,
    /// Calls ElevenLabs reports failed, queued again or failed.
    pub failed: usize,
}

/// The 60-second reconciler: queues again calls claimed long ago by a process that died,
/// dials due queued calls (retries after their backoff, calls whose job was lost), and asks
/// ElevenLabs about calls dispatched at least `min_age` ago (their webhook may be lost).
pub async fn reconcile(
    db: &DatabaseConnection,
    client: &ElevenLabs,
    min_age: Duration,
) -> Result<Reconciled, HireError> {
    let mut report = Reconciled::default();
    let now = Utc::now();
    report.unstuck = ozone_calls::Entity::update_many()
        .col_expr(ozone_calls::Column::Status, Expr::value(QUEUED))
        .col_expr(ozone_calls::Column::UpdatedAt, Expr::value(now))
        .filter(ozone_calls::Column::Status.eq(DIALLING))
        .filter(ozone_calls::Column::UpdatedAt.lt(now - Duration::seconds(STUCK_DIALLING_SECS)))
        .exec(db)
        .await?
        .rows_affected;
    let due: Vec<Uuid> = ozone_calls::Entity::find()
        .filter(ozone_calls::Column::Status.eq(QUEUED))
        .filter(ozone_calls::Column::NextAttemptAt.lte(now))
        .order_by_asc(ozone_calls::Column::NextAttemptAt)
        .limit(DUE_PER_RUN)
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    for id in due {
        if dial(db, client, id).await? == Dialled::Dispatched {
            report.dispatched += 1;
        }
    }
    let pending = ozone_calls::Entity::find()
        .filter(ozone_calls::Column::Status.eq(DISPATCHED))
        .filter(ozone_calls::Column::DispatchedAt.lte(now - min_age))
        .order_by_asc(ozone_calls::Column::DispatchedAt)
        .limit(SYNC_PER_RUN)
        .all(db)
        .await?;
    for call in pending {
        let Some(conversation) = call.conversation_id.clone() else {
            continue;
        };
        let data = match client.conversation(&conversation).await {
            Ok(d) => d,
            Err(e) => {
                tracing::warn!(call = %call.id, error = %e, "status of a miss ozone call unavailable");
                continue;
            }
        };
        match data["status"].as_str() {
            Some("done") => {
                report.completed += usize::from(complete(db, &conversation, &data, "sync").await?);
            }
            Some("failed") => {
                let config = ozone_call_configs::Entity::find_by_id(call.config_id)
                    .one(db)
                    .await?
                    .ok_or(HireError::NotFound("call configuration"))?;
                retry_or_fail(
                    db,
                    &call,
                    &config,
                    DISPATCHED,
                    "ElevenLabs reports the call failed",
                )
                .await?;
                report.failed += 1;
            }
            _ => {}
        }
    }
    Ok(report)
}

/// The 03:30 prune: transcripts and evaluations of calls completed more than `days` ago are
/// blanked (the row, its status and times stay). Answers how many.
pub async fn prune(db: &DatabaseConnection, days: i64) -> Result<u64, HireError> {
    let now = Utc::now();
    Ok(ozone_calls::Entity::update_many()
        .col_expr(ozone_calls::Column::Transcript, Expr::value(None::<Value>))
        .col_expr(ozone_calls::Column::Evaluation, Expr::value(None::<Value>))
        .col_expr(ozone_calls::Column::PrunedAt, Expr::value(now))
        .filter(ozone_calls::Column::CompletedAt.lt(now - Duration::days(days)))
        .filter(
            sea_orm::Condition::any()
                .add(ozone_calls::Column::Transcript.is_not_null())
                .add(ozone_calls::Column::Evaluation.is_not_null()),
        )
        .exec(db)
        .await?
        .rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(60, 1), Duration::seconds(60));
        assert_eq!(backoff(60, 2), Duration::seconds(120));
        assert_eq!(backoff(60, 3), Duration::seconds(240));
        assert_eq!(backoff(3600, 10), Duration::seconds(86_400));
    }

    #[test]
    fn ist_days_start_at_ist_midnight() {
        // 2026-12-03 20:00 UTC is 2026-12-04 01:30 IST
        let at = Utc.with_ymd_and_hms(2026, 12, 3, 20, 0, 0).unwrap();
        let (start, end) = ist_day(at);
        assert_eq!(start, Utc.with_ymd_and_hms(2026, 12, 3, 18, 30, 0).unwrap());
        assert_eq!(end - start, Duration::days(1));
    }
}

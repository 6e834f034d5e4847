//! `whatsapp_messages` and `whatsapp_status_events`: recording what was sent and received,
//! and applying delivery statuses idempotently. Functions take `&impl ConnectionTrait` so the
//! caller picks pool or transaction.

use chrono::{DateTime, Utc};
use kernel::Tenant;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr,
    EntityTrait, QueryFilter, Statement, TransactionTrait, sea_query::OnConflict,
};
use serde_json::Value;
use uuid::Uuid;

use super::{Content, WhatsAppJob, client::payload};
use crate::entities::{whatsapp_messages as messages, whatsapp_status_events as events};

/// The order statuses move in; a late `delivered` never overwrites `read`.
const RANK_SQL: &str = "CASE status WHEN 'queued' THEN 0 WHEN 'sent' THEN 1 \
    WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 WHEN 'failed' THEN 4 ELSE 0 END";

fn rank(status: &str) -> i32 {
    match status {
        "queued" => 0,
        "sent" => 1,
        "delivered" => 2,
        "read" => 3,
        "failed" => 4,
        _ => 0,
    }
}

/// A new outbound row in state `queued`.
pub async fn insert_outbound(
    db: &impl ConnectionTrait,
    platform_id: Uuid,
    to: &str,
    content: Content<'_>,
    created_by: Option<Uuid>,
) -> Result<messages::Model, DbErr> {
    let now = Utc::now();
    let (kind, body, template_name) = describe(content);
    let row = messages::ActiveModel {
        id: Set(kernel::ids::new_id()),
        platform_id: Set(platform_id),
        direction: Set("outbound".into()),
        wa_message_id: Set(None),
        peer: Set(crate::phone::whatsapp_digits(to)),
        kind: Set(kind.into()),
        body: Set(body),
        template_name: Set(template_name),
        payload: Set(payload(to, content)),
        status: Set("queued".into()),
        error: Set(None),
        created_by: Set(created_by),
        created_at: Set(now),
        updated_at: Set(now),
    };
    messages::Entity::insert(row).exec_with_returning(db).await
}

/// Queues `job` from the send route: its outbound row (`queued`) and its `send-whatsapp` job,
/// which carries the row's id, commit together.
pub async fn queue_outbound(
    db: &DatabaseConnection,
    tenant: &Tenant,
    job: &WhatsAppJob,
    content: Content<'_>,
    created_by: Option<Uuid>,
) -> Result<messages::Model, DbErr> {
    let txn = db.begin().await?;
    let row = insert_outbound(&txn, tenant.id, &job.to, content, created_by).await?;
    let queued = WhatsAppJob {
        message_id: Some(row.id),
        ..job.clone()
    };
    jobs::outbox::enqueue_in(&txn, tenant, &queued).await?;
    txn.commit().await?;
    Ok(row)
}

fn describe(content: Content<'_>) -> (&'static str, Option<String>, Option<String>) {
    match content {
        Content::Text(text) => ("text", Some(text.to_owned()), None),
        Content::Template(t) => ("template", None, Some(t.name.clone())),
    }
}

/// Stores the provider id of a sent row, marks it `sent`, and applies any status the
/// webhook delivered before the id was known.
pub async fn mark_sent(db: &impl ConnectionTrait, id: Uuid, wamid: &str) -> Result<(), DbErr> {
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "UPDATE whatsapp_messages SET wa_message_id = $2, \
             status = CASE WHEN ({RANK_SQL}) < 1 THEN 'sent' ELSE status END, updated_at = now() \
             WHERE id = $1"
        ),
        [id.into(), wamid.into()],
    ))
    .await?;
    let earlier = events::Entity::find()
        .filter(events::Column::WaMessageId.eq(wamid))
        .all(db)
        .await?;
    for event in earlier {
        advance(db, wamid, &event.status, event.errors).await?;
    }
    Ok(())
}

/// What a send attempt may do with its `whatsapp_messages` row ([`claim`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// The row was `queued` and is now `sending`: call the provider.
    Send,
    /// The row is past sending (sent, delivered, read, failed, uncertain): nothing to do.
    Settled,
    /// The row is `sending`: an earlier attempt stopped during the provider call (a killed
    /// process), so the message may have gone out. It is not sent again.
    Interrupted,
}

/// Marks a `queued` row `sending` (committed before the provider call), so an attempt that
/// dies during the call is recognised by the next one ([`Claim::Interrupted`]) instead of
/// sending the message twice. A row that does not exist is sent (nothing to protect).
pub async fn claim(db: &impl ConnectionTrait, id: Uuid) -> Result<Claim, DbErr> {
    let claimed = db
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE whatsapp_messages SET status = 'sending', updated_at = now() \
             WHERE id = $1 AND status = 'queued'",
            [id.into()],
        ))
        .await?
        .rows_affected();
    if claimed == 1 {
        return Ok(Claim::Send);
    }
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT status FROM whatsapp_messages WHERE id = $1",
            [id.into()],
        ))
        .await?;
    Ok(match row {
        None => Claim::Send,
        Some(r) if r.try_get::<String>("", "status")? == "sending" => Claim::Interrupted,
        Some(_) => Claim::Settled,
    })
}

/// Puts a `sending` row back to `queued` after an attempt that failed and will be retried.
pub async fn release(db: &impl ConnectionTrait, id: Uuid) -> Result<(), DbErr> {
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE whatsapp_messages SET status = 'queued', updated_at = now() \
         WHERE id = $1 AND status = 'sending'",
        [id.into()],
    ))
    .await?;
    Ok(())
}

/// Marks a row whose earlier attempt stopped during the provider call `uncertain` (it may
/// have been delivered; it is never sent again).
pub async fn mark_uncertain(db: &impl ConnectionTrait, id: Uuid) -> Result<(), DbErr> {
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE whatsapp_messages SET status = 'uncertain', updated_at = now(), \
         error = '{\"message\": \"an earlier attempt stopped during the WhatsApp call; not sent again\"}'::jsonb \
         WHERE id = $1 AND status = 'sending'",
        [id.into()],
    ))
    .await?;
    Ok(())
}

/// Marks a row `failed` with the error.
pub async fn mark_failed(db: &impl ConnectionTrait, id: Uuid, error: Value) -> Result<(), DbErr> {
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE whatsapp_messages SET status = 'failed', error = $2, updated_at = now() \
         WHERE id = $1",
        [id.into(), error.into()],
    ))
    .await?;
    Ok(())
}

/// Records a message a job sent without a row of its own (producers other than the route).
pub async fn record_sent(
    db: &impl ConnectionTrait,
    platform_slug: &str,
    job: &WhatsAppJob,
    content: Content<'_>,
    wamid: &str,
) -> Result<(), DbErr> {
    let platform = kernel::tenant::entity::Entity::find()
        .filter(kernel::tenant::entity::Column::Slug.eq(platform_slug))
        .one(db)
        .await?
        .ok_or_else(|| DbErr::Custom(format!("unknown platform {platform_slug:?}")))?;
    let row = insert_outbound(db, platform.id, &job.to, content, None).await?;
    mark_sent(db, row.id, wamid).await
}

/// One delivery status from the webhook.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusUpdate {
    /// Provider message id.
    pub wa_message_id: String,
    /// `sent`, `delivered`, `read`, `failed`…
    pub status: String,
    /// Recipient number.
    pub recipient: Option<String>,
    /// When it happened.
    pub occurred_at: Option<DateTime<Utc>>,
    /// The provider's errors.
    pub errors: Option<Value>,
}

/// Stores a status once per (message, status) and moves the message forward. Returns whether
/// the status was new. The status belongs to the message's platform; `fallback_platform` is
/// used when the message is not ours (sent before this table existed, or by another tool).
pub async fn apply_status(
    db: &impl ConnectionTrait,
    fallback_platform: Uuid,
    update: StatusUpdate,
) -> Result<bool, DbErr> {
    let platform_id = messages::Entity::find()
        .filter(messages::Column::WaMessageId.eq(update.wa_message_id.as_str()))
        .one(db)
        .await?
        .map_or(fallback_platform, |m| m.platform_id);
    let row = events::ActiveModel {
        id: Set(kernel::ids::new_id()),
        platform_id: Set(platform_id),
        wa_message_id: Set(update.wa_message_id.clone()),
        status: Set(update.status.clone()),
        recipient: Set(update.recipient),
        occurred_at: Set(update.occurred_at),
        errors: Set(update.errors.clone()),
        received_at: Set(Utc::now()),
    };
    let inserted = events::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([events::Column::WaMessageId, events::Column::Status])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    if inserted == 0 {
        return Ok(false);
    }
    advance(db, &update.wa_message_id, &update.status, update.errors).await?;
    Ok(true)
}

async fn advance(
    db: &impl ConnectionTrait,
    wamid: &str,
    status: &str,
    errors: Option<Value>,
) -> Result<(), DbErr> {
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "UPDATE whatsapp_messages SET status = $2, error = COALESCE($3, error), \
             updated_at = now() WHERE wa_message_id = $1 AND direction = 'outbound' \
             AND ({RANK_SQL}) < $4"
        ),
        [
            wamid.into(),
            status.into(),
            errors.into(),
            rank(status).into(),
        ],
    ))
    .await?;
    Ok(())
}

/// One inbound message from the webhook.
#[derive(Debug, Clone, PartialEq)]
pub struct Inbound {
    /// Provider message id.
    pub wa_message_id: String,
    /// Sender number.
    pub from: String,
    /// Message type (`text`, `image`, `button`, …).
    pub kind: String,
    /// Text body for text messages.
    pub body: Option<String>,
    /// The message as received.
    pub raw: Value,
}

/// `whatsapp.inbound_received`: an inbound message was stored (its id only; subscribers read
/// the row). The CRM puts it on the timeline of the platform's lead with the sender's phone.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WhatsappInboundReceived {
    /// The `whatsapp_messages` row.
    pub message_id: Uuid,
}

impl jobs::EventSpec for WhatsappInboundReceived {
    const NAME: &'static str = "whatsapp.inbound_received";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// Stores an inbound message once (by provider id) and, when it is new, publishes
/// [`WhatsappInboundReceived`] through the outbox in the same transaction. Returns whether it
/// was new.
pub async fn record_inbound(
    db: &DatabaseConnection,
    tenant: &Tenant,
    message: Inbound,
) -> Result<bool, DbErr> {
    let now = Utc::now();
    let id = kernel::ids::new_id();
    let row = messages::ActiveModel {
        id: Set(id),
        platform_id: Set(tenant.id),
        direction: Set("inbound".into()),
        wa_message_id: Set(Some(message.wa_message_id)),
        peer: Set(message.from),
        kind: Set(message.kind),
        body: Set(message.body),
        template_name: Set(None),
        payload: Set(message.raw),
        status: Set("received".into()),
        error: Set(None),
        created_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let txn = db.begin().await?;
    let inserted = messages::Entity::insert(row)
        .on_conflict(
            OnConflict::column(messages::Column::WaMessageId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    if inserted > 0 {
        jobs::outbox::publish_in(&txn, tenant, &WhatsappInboundReceived { message_id: id }).await?;
    }
    txn.commit().await?;
    Ok(inserted > 0)
}

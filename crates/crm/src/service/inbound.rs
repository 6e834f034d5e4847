//! Inbound WhatsApp on the lead's timeline (ADR 0078). comms stores the message and publishes
//! `whatsapp.inbound_received {message_id}` through the outbox (comms does not depend on the
//! CRM); this subscriber reads the row, normalises the sender to E.164 and, when the
//! platform has a lead with that phone (the lead it was merged into, for a closed duplicate),
//! adds a `whatsapp` activity `{direction: inbound, inbound_message_id, type}` with the text,
//! at the message's time. A unique index keeps it once however often the event is delivered.
//! The 24-hour window of the send checks is read from the same stored inbound messages.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use uuid::Uuid;

use crate::normalize;

#[derive(Debug, FromQueryResult)]
struct Message {
    platform_id: Uuid,
    peer: String,
    kind: String,
    body: Option<String>,
    created_at: DateTime<Utc>,
}

/// The longest text kept on the timeline (the column's limit).
const BODY_MAX_CHARS: usize = 5000;

/// Puts inbound message `message_id` on its lead's timeline; answers the lead, or `None`
/// when no lead of the platform has the sender's phone (or the message is not inbound).
pub async fn on_inbound<C: ConnectionTrait>(
    conn: &C,
    message_id: Uuid,
) -> Result<Option<Uuid>, DbErr> {
    let Some(m) = Message::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT platform_id, peer, kind, body, created_at FROM whatsapp_messages \
         WHERE id = $1 AND direction = 'inbound'",
        [message_id.into()],
    ))
    .one(conn)
    .await?
    else {
        return Ok(None);
    };
    let Ok(phone) = normalize::phone_e164(&format!("+{}", m.peer.trim_start_matches('+'))) else {
        return Ok(None);
    };
    let Some(row) = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT COALESCE(merged_into, id) AS id FROM leads \
             WHERE platform_id = $1 AND phone_e164 = $2",
            [m.platform_id.into(), phone.into()],
        ))
        .await?
    else {
        return Ok(None);
    };
    let lead_id: Uuid = row.try_get("", "id")?;
    let body: Option<String> = m.body.map(|b| b.chars().take(BODY_MAX_CHARS).collect());
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO lead_activities (id, platform_id, lead_id, kind, source, body, data, created_at) \
         VALUES ($1, $2, $3, 'whatsapp', 'whatsapp', $4, $5, $6) ON CONFLICT DO NOTHING",
        [
            kernel::ids::new_id().into(),
            m.platform_id.into(),
            lead_id.into(),
            body.into(),
            serde_json::json!({
                "direction": "inbound",
                "inbound_message_id": message_id.to_string(),
                "type": m.kind,
            })
            .into(),
            m.created_at.into(),
        ],
    ))
    .await?;
    Ok(Some(lead_id))
}

/// Subscribes the CRM to `whatsapp.inbound_received` (called by [`crate::workers`]).
pub fn subscribe(registry: &mut jobs::Registry, crm: &crate::Crm) {
    let state = crm.clone();
    registry.subscribe(
        "crm-inbound-whatsapp",
        move |ctx: jobs::JobContext, ev: comms::whatsapp::service::WhatsappInboundReceived| {
            let state = state.clone();
            async move {
                let lead = on_inbound(&state.ctx().db, ev.message_id)
                    .await
                    .map_err(|e| jobs::JobError::Retry(anyhow::Error::new(e)))?;
                tracing::info!(job_id = %ctx.job_id, message_id = %ev.message_id, lead_id = ?lead, "inbound WhatsApp on the timeline");
                Ok(())
            }
        },
    );
}

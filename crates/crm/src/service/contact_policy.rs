//! The CRM's [`comms::ContactPolicy`], registered by the gateway: comms' direct routes
//! (`POST /api/exotel/call`, `/api/exotel/sms`, `/api/whatsapp/messages`) ask it before they
//! contact a number, so a lead's do-not-disturb and WhatsApp consent hold there as they do
//! on the sales desk and in workflows ([`send_checks::preferences`]).
//!
//! The number is matched the way leads store it ([`crate::normalize::phone_e164`], India
//! for numbers without a country code), and also read as international when it has no `+`
//! (WhatsApp takes `919876543210`), so no spelling of a lead's number slips through. A
//! number that is a merged duplicate's also answers for the lead it was merged into (its
//! re-inquiries land there). A number of no lead of the platform is allowed.

use comms::{Channel, ContactPolicy, ContactVerdict, Refusal, contact::ContactFuture};
use kernel::AppError;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, Statement};
use uuid::Uuid;

use crate::{
    CrmError,
    entities::leads,
    normalize,
    service::send_checks::{self, Verdict},
};

/// Do-not-disturb and WhatsApp consent of the platform's leads, for comms' direct routes.
#[derive(Debug, Clone, Copy, Default)]
pub struct LeadContactPolicy;

impl ContactPolicy for LeadContactPolicy {
    fn name(&self) -> &'static str {
        "crm_leads"
    }

    fn check<'a>(
        &'a self,
        db: &'a DatabaseConnection,
        platform_id: Uuid,
        phone: &'a str,
        channel: Channel,
    ) -> ContactFuture<'a> {
        Box::pin(async move {
            verdict(db, platform_id, phone, channel)
                .await
                .map_err(AppError::from)
        })
    }
}

/// The E.164 numbers `phone` may mean: as leads store it (a number without a country code
/// is India's), and, without a leading `+`, also as an international number. Empty when it
/// is no valid number (then it is no lead's either).
pub fn candidates(phone: &str) -> Vec<String> {
    let mut out: Vec<String> = normalize::phone_e164(phone).into_iter().collect();
    let trimmed = phone.trim();
    if !trimmed.starts_with('+')
        && let Ok(international) = normalize::phone_e164(&format!("+{trimmed}"))
        && !out.contains(&international)
    {
        out.push(international);
    }
    out
}

/// What the leads behind `phone` on `platform_id` say about contacting it on `channel`.
pub async fn verdict<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    phone: &str,
    channel: Channel,
) -> Result<ContactVerdict, CrmError> {
    let numbers = candidates(phone);
    let (Some(first), second) = (numbers.first(), numbers.get(1)) else {
        return Ok(ContactVerdict::Allow);
    };
    let second = second.unwrap_or(first);
    // the leads with the number and, following `merged_into`, the leads they were merged into
    let matched = leads::Entity::find()
        .from_raw_sql(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "WITH RECURSIVE hit AS ( \
                 SELECT * FROM leads WHERE platform_id = $1 AND phone_e164 IN ($2, $3) \
                 UNION \
                 SELECT l.* FROM leads l JOIN hit ON l.id = hit.merged_into \
                 WHERE l.platform_id = $1 \
             ) SELECT * FROM hit",
            [
                platform_id.into(),
                first.clone().into(),
                second.clone().into(),
            ],
        ))
        .all(conn)
        .await?;
    for lead in &matched {
        let preferences =
            send_checks::preferences(conn, platform_id, lead, channel == Channel::Whatsapp).await?;
        if let Verdict::Block(reason) = preferences {
            let refusal = match reason.as_str() {
                send_checks::DND => CrmError::DoNotDisturb,
                send_checks::NO_CONSENT => CrmError::NoWhatsappConsent,
                other => {
                    // a reason this mapping does not know yet: refused all the same
                    tracing::error!(reason = other, "unmapped contact refusal");
                    CrmError::DoNotDisturb
                }
            };
            return Ok(ContactVerdict::Block(Refusal {
                code: refusal.code(),
                detail: format!("this number is a lead's: {refusal}"),
            }));
        }
    }
    Ok(ContactVerdict::Allow)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_of_a_number_is_a_candidate() {
        for raw in ["+919876543210", "9876543210", "09876543210", "919876543210"] {
            assert!(
                candidates(raw).contains(&"+919876543210".to_owned()),
                "{raw}: {:?}",
                candidates(raw)
            );
        }
        // WhatsApp's spelling of a foreign number (country code, no `+`)
        assert!(candidates("14155552671").contains(&"+14155552671".to_owned()));
        assert_eq!(candidates("+14155552671"), ["+14155552671"]);
        assert!(candidates("12345").is_empty());
    }
}

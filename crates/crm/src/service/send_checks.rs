//! The checks before a workflow sends anything to a lead: do-not-disturb, WhatsApp consent,
//! the template's approval, WhatsApp's 24-hour customer-service window for free text, and
//! the platform's quiet hours (settings in [`crate::settings`]). A refusal is a visible step
//! outcome (`blocked`, with the reason, on the run and the lead's timeline); quiet hours
//! defer the step to their end.

use chrono::{DateTime, Duration, FixedOffset, Timelike, Utc};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};
use uuid::Uuid;

use crate::{entities::leads, settings};

/// What a check says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Go ahead.
    Allow,
    /// Refused, with the reason (`dnd`, `no_consent`, `template_not_approved`,
    /// `outside_24h_window`, `no_email`, `ssrf`).
    Block(String),
    /// Not now: try again at this time (quiet hours).
    Defer(DateTime<Utc>),
}

/// The refusal reason of a do-not-disturb lead.
pub const DND: &str = "dnd";
/// The refusal reason of a WhatsApp message to a lead without consent.
pub const NO_CONSENT: &str = "no_consent";

/// What a WhatsApp send carries.
#[derive(Debug, Clone, Copy)]
pub enum WhatsappContent<'a> {
    /// A template (name, language): allowed outside the 24-hour window when approved.
    Template(&'a str, &'a str),
    /// Free text: only inside the 24-hour window.
    Text,
}

fn ist() -> FixedOffset {
    FixedOffset::east_opt(5 * 3600 + 30 * 60).unwrap_or_else(|| chrono::Offset::fix(&Utc))
}

/// When the quiet hours `[start, end)` (IST hours) that hold `now` end, or `None` outside
/// them (equal start and end: no quiet hours).
pub fn quiet_until(now: DateTime<Utc>, start: u32, end: u32) -> Option<DateTime<Utc>> {
    if start == end || start > 23 || end > 23 {
        return None;
    }
    let local = now.with_timezone(&ist());
    let h = local.hour();
    let quiet = if start < end {
        h >= start && h < end
    } else {
        h >= start || h < end
    };
    if !quiet {
        return None;
    }
    let today_end = local
        .date_naive()
        .and_hms_opt(end, 0, 0)?
        .and_local_timezone(ist())
        .single()?;
    let until = if h < end {
        today_end
    } else {
        today_end + Duration::days(1)
    };
    Some(until.with_timezone(&Utc))
}

/// The lead's own contact preferences, for any send or call (a workflow's, or one through
/// comms' direct routes, [`crate::service::contact_policy`]): `dnd` refuses every channel;
/// a WhatsApp message (`whatsapp`) also needs consent (`no_consent`: withdrawn consent always
/// refuses, `CRM_WHATSAPP_REQUIRE_CONSENT` also refuses consent never given). Never defers.
pub async fn preferences<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    lead: &leads::Model,
    whatsapp: bool,
) -> Result<Verdict, DbErr> {
    if lead.dnd {
        return Ok(Verdict::Block(DND.into()));
    }
    if whatsapp {
        let need_consent = settings::WHATSAPP_REQUIRE_CONSENT
            .bool_value(conn, platform_id)
            .await?;
        if lead.whatsapp_consent == Some(false)
            || (need_consent && lead.whatsapp_consent != Some(true))
        {
            return Ok(Verdict::Block(NO_CONSENT.into()));
        }
    }
    Ok(Verdict::Allow)
}

/// Checks a WhatsApp send to `lead`: [`preferences`], the template's approval or the 24-hour
/// window, quiet hours.
pub async fn whatsapp<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    lead: &leads::Model,
    content: WhatsappContent<'_>,
    now: DateTime<Utc>,
) -> Result<Verdict, DbErr> {
    let preferences = preferences(conn, platform_id, lead, true).await?;
    if preferences != Verdict::Allow {
        return Ok(preferences);
    }
    match content {
        WhatsappContent::Template(name, language) => {
            if settings::WHATSAPP_REQUIRE_APPROVED_TEMPLATE
                .bool_value(conn, platform_id)
                .await?
            {
                let approved = conn
                    .query_one_raw(Statement::from_sql_and_values(
                        DbBackend::Postgres,
                        "SELECT approved FROM crm_whatsapp_templates \
                         WHERE platform_id = $1 AND name = $2 AND language = $3",
                        [platform_id.into(), name.into(), language.into()],
                    ))
                    .await?
                    .map(|r| r.try_get::<bool>("", "approved"))
                    .transpose()?
                    .unwrap_or(false);
                if !approved {
                    return Ok(Verdict::Block("template_not_approved".into()));
                }
            }
        }
        WhatsappContent::Text => {
            let peer = lead.phone_e164.trim_start_matches('+');
            let last_inbound: Option<DateTime<Utc>> = conn
                .query_one_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT max(created_at) AS at FROM whatsapp_messages \
                     WHERE platform_id = $1 AND direction = 'inbound' AND peer = $2",
                    [platform_id.into(), peer.into()],
                ))
                .await?
                .map(|r| r.try_get::<Option<DateTime<Utc>>>("", "at"))
                .transpose()?
                .flatten();
            if last_inbound.is_none_or(|at| now - at > Duration::hours(24)) {
                return Ok(Verdict::Block("outside_24h_window".into()));
            }
        }
    }
    quiet(conn, platform_id, now).await
}

/// Checks an email to `lead`.
pub fn email(lead: &leads::Model) -> Verdict {
    if lead.dnd {
        return Verdict::Block(DND.into());
    }
    if lead.email.is_none() {
        return Verdict::Block("no_email".into());
    }
    Verdict::Allow
}

async fn quiet<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Verdict, DbErr> {
    let start = settings::QUIET_HOURS_START
        .int_value(conn, platform_id)
        .await?;
    let end = settings::QUIET_HOURS_END
        .int_value(conn, platform_id)
        .await?;
    let hour = |v: i64| u32::try_from(v.clamp(0, 23)).unwrap_or(0);
    Ok(match quiet_until(now, hour(start), hour(end)) {
        Some(until) => Verdict::Defer(until),
        None => Verdict::Allow,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn quiet_hours_wrap_midnight_and_end_at_their_hour_ist() {
        // 22:30 IST = 17:00 UTC
        let night = Utc.with_ymd_and_hms(2026, 12, 3, 17, 0, 0).unwrap();
        let until = quiet_until(night, 21, 9).unwrap();
        assert_eq!(until, Utc.with_ymd_and_hms(2026, 12, 4, 3, 30, 0).unwrap());
        // 08:00 IST = 02:30 UTC: still quiet, until 09:00 IST the same day
        let morning = Utc.with_ymd_and_hms(2026, 12, 4, 2, 30, 0).unwrap();
        assert_eq!(
            quiet_until(morning, 21, 9),
            Some(Utc.with_ymd_and_hms(2026, 12, 4, 3, 30, 0).unwrap())
        );
        // 12:00 IST: not quiet
        let noon = Utc.with_ymd_and_hms(2026, 12, 4, 6, 30, 0).unwrap();
        assert_eq!(quiet_until(noon, 21, 9), None);
        assert_eq!(quiet_until(night, 0, 0), None);
        // a daytime window
        assert_eq!(
            quiet_until(noon, 12, 14),
            Some(Utc.with_ymd_and_hms(2026, 12, 4, 8, 30, 0).unwrap())
        );
    }
}

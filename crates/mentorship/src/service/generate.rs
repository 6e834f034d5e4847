//! Slot generation from weekly rules. Dates are walked in the rule's IANA time zone (so
//! "Mondays 09:00-12:00 in America/New_York" stays 09:00 local across DST changes); each
//! day's window is resolved to UTC (a wall-clock time that occurs twice takes the first; one
//! that does not exist, inside a spring-forward gap, moves to the first instant after it) and
//! cut into slots of `slot_minutes` of real time. Inserting is `ON CONFLICT DO NOTHING`
//! against the unique (rule, start) index and the no-overlap exclusion constraint, so
//! generating again creates nothing twice and overlaps with existing slots are skipped.

use chrono::{DateTime, Datelike, Duration, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::json;

use crate::{entities::mentor_availability_rules as rules, error::MentorshipError};

/// Default of `SLOT_GENERATION_DAYS`.
pub const DEFAULT_DAYS: i64 = 14;

/// How many days ahead slots are generated: the `SLOT_GENERATION_DAYS` system-config key
/// (admins change it at run time), else the environment variable of that name, else 14;
/// always 1-90.
pub async fn days_ahead<C: ConnectionTrait>(conn: &C) -> Result<i64, MentorshipError> {
    let configured = kernel::system_config::get(conn, "SLOT_GENERATION_DAYS")
        .await?
        .and_then(|v| {
            v.as_i64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        })
        .or_else(|| {
            std::env::var("SLOT_GENERATION_DAYS")
                .ok()
                .and_then(|v| v.trim().parse().ok())
        });
    Ok(configured.unwrap_or(DEFAULT_DAYS).clamp(1, 90))
}

/// An IANA zone name, or `None`.
pub fn zone(name: &str) -> Option<Tz> {
    name.trim().parse().ok()
}

/// The UTC instant of a wall-clock time in `tz`.
fn resolve(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    // in a gap: the first minute after it (gaps are at most a few hours)
    (0..=240).find_map(|m| {
        tz.from_local_datetime(&(local + Duration::minutes(m)))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    })
}

/// The slots of one rule on the local dates from `from`'s date for `days` days, each
/// starting after `from`.
pub fn spans(
    tz: Tz,
    weekday: u32,
    start: NaiveTime,
    end: NaiveTime,
    slot_minutes: i64,
    from: DateTime<Utc>,
    days: i64,
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let len = Duration::minutes(slot_minutes.max(1));
    let today = from.with_timezone(&tz).date_naive();
    let mut out = Vec::new();
    for d in 0..days {
        let date = today + Duration::days(d);
        if date.weekday().num_days_from_sunday() != weekday {
            continue;
        }
        let (Some(open), Some(close)) = (
            resolve(tz, date.and_time(start)),
            resolve(tz, date.and_time(end)),
        ) else {
            continue;
        };
        let mut t = open;
        while t + len <= close {
            if t > from {
                out.push((t, t + len));
            }
            t += len;
        }
    }
    out
}

/// Generates the rule's open slots for `days` days from now; returns how many were created.
pub async fn generate<C: ConnectionTrait>(
    conn: &C,
    rule: &rules::Model,
    days: i64,
) -> Result<u64, MentorshipError> {
    let Some(tz) = zone(&rule.timezone) else {
        return Ok(0);
    };
    let weekday = u32::try_from(rule.weekday).unwrap_or(7);
    let rows: Vec<_> = spans(
        tz,
        weekday,
        rule.start_time,
        rule.end_time,
        i64::from(rule.slot_minutes),
        Utc::now(),
        days,
    )
    .into_iter()
    .map(|(s, e)| json!({"id": kernel::ids::new_id(), "s": s, "e": e}))
    .collect();
    if rows.is_empty() {
        return Ok(0);
    }
    let res = conn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO mentor_slots (id, platform_id, mentor_id, starts_at, ends_at, status, rule_id)
             SELECT t.id, $1, $2, t.s, t.e, 'open', $3
               FROM jsonb_to_recordset($4::jsonb) AS t(id uuid, s timestamptz, e timestamptz)
             ON CONFLICT DO NOTHING",
            [
                rule.platform_id.into(),
                rule.mentor_id.into(),
                rule.id.into(),
                serde_json::Value::Array(rows).into(),
            ],
        ))
        .await?;
    Ok(res.rows_affected())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn wall_clock_times_hold_across_dst_changes() {
        let ny: Tz = "America/New_York".parse().unwrap();
        // Sundays 09:00-11:00 in New York, from Sat 2026-03-07 for 9 days: Mar 8 is the
        // spring-forward day (EST -5 before it, EDT -4 on it) and Mar 15 a normal EDT Sunday
        let got = spans(ny, 0, t(9, 0), t(11, 0), 60, utc("2026-03-07T12:00:00Z"), 9);
        let starts: Vec<String> = got.iter().map(|(s, _)| s.to_rfc3339()).collect();
        assert_eq!(
            starts,
            [
                "2026-03-08T13:00:00+00:00",
                "2026-03-08T14:00:00+00:00",
                "2026-03-15T13:00:00+00:00",
                "2026-03-15T14:00:00+00:00"
            ]
        );
        // fall back on Sunday 2026-11-01: 09:00 is EST again (-5)
        let got = spans(ny, 0, t(9, 0), t(10, 0), 60, utc("2026-10-25T20:00:00Z"), 8);
        assert_eq!(got[0].0, utc("2026-11-01T14:00:00Z"));
    }

    #[test]
    fn gaps_and_repeats_resolve_to_real_instants() {
        let ny: Tz = "America/New_York".parse().unwrap();
        // 02:30 does not exist on 2026-03-08: the window starts when the gap ends (03:00 EDT)
        let got = spans(ny, 0, t(2, 30), t(4, 0), 30, utc("2026-03-07T12:00:00Z"), 2);
        assert_eq!(got[0].0, utc("2026-03-08T07:00:00Z"));
        assert_eq!(got.len(), 2, "03:00-04:00 EDT is two half hours: {got:?}");
        // 01:00-02:00 happens twice on 2026-11-01: the first 01:00 (EDT) opens it, and the
        // window is two real hours long
        let got = spans(ny, 0, t(1, 0), t(2, 0), 60, utc("2026-10-31T12:00:00Z"), 2);
        assert_eq!(got[0].0, utc("2026-11-01T05:00:00Z"));
        assert_eq!(got.len(), 2, "{got:?}");
    }

    #[test]
    fn only_future_slots_on_the_weekday_within_the_days() {
        let ist: Tz = "Asia/Kolkata".parse().unwrap();
        // Wednesday 2026-12-02 10:15 IST; Wednesdays 10:00-12:00 in 45-minute slots
        let from = utc("2026-12-02T04:45:00Z");
        let got = spans(ist, 3, t(10, 0), t(12, 0), 45, from, 14);
        // today: 10:00 has begun, 10:45 has not; 11:30 would end after 12:00
        assert_eq!(got[0].0, utc("2026-12-02T05:15:00Z"));
        assert_eq!(
            got.len(),
            1 + 2,
            "today's one, then two on 2026-12-09: {got:?}"
        );
        assert_eq!(
            spans(ist, 3, t(10, 0), t(12, 0), 45, from, 15).len(),
            1 + 2 + 2
        );
        assert_eq!(spans(ist, 3, t(10, 0), t(12, 0), 45, from, 1).len(), 1);
        assert!(spans(ist, 4, t(10, 0), t(12, 0), 45, from, 1).is_empty());
    }
}

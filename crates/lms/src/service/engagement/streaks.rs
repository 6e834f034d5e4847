//! Streaks: a day is the student's local calendar day in their IANA time zone (the profile's
//! `timezone`, else IST), so a day that is 23 or 25 hours long across a DST change is still
//! one day. Pure functions over instants; the service feeds them the ledger's `occurred_at`.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// The zone of a student without one in their profile.
pub const DEFAULT_TZ: Tz = chrono_tz::Asia::Kolkata;

/// The zone named `name` (an IANA name), or [`DEFAULT_TZ`] when it is missing or unknown.
pub fn zone(name: Option<&str>) -> Tz {
    name.and_then(|n| n.parse::<Tz>().ok())
        .unwrap_or(DEFAULT_TZ)
}

/// The distinct local days, in `tz`, on which the instants fall.
pub fn local_days(
    instants: impl IntoIterator<Item = DateTime<Utc>>,
    tz: Tz,
) -> BTreeSet<NaiveDate> {
    instants
        .into_iter()
        .map(|t| t.with_timezone(&tz).date_naive())
        .collect()
}

/// A student's streak on `today` (their local day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Streak {
    /// Consecutive active days ending today, or ending yesterday while today is still open.
    pub current: i64,
    /// The longest run of consecutive active days ever.
    pub longest: i64,
    /// Whether today already counts.
    pub active_today: bool,
}

impl Streak {
    /// A streak that ends unless the student does something today.
    pub fn at_risk(&self) -> bool {
        self.current > 0 && !self.active_today
    }
}

/// The streak of `days` seen on `today`.
pub fn streak(days: &BTreeSet<NaiveDate>, today: NaiveDate) -> Streak {
    let active_today = days.contains(&today);
    let mut day = if active_today {
        Some(today)
    } else {
        today.pred_opt()
    };
    let mut current = 0;
    while let Some(d) = day.filter(|d| days.contains(d)) {
        current += 1;
        day = d.pred_opt();
    }
    Streak {
        current,
        longest: longest(days),
        active_today,
    }
}

/// The longest run of consecutive days in `days`.
pub fn longest(days: &BTreeSet<NaiveDate>) -> i64 {
    let mut best = 0;
    let mut run = 0;
    let mut prev: Option<NaiveDate> = None;
    for d in days {
        run = match prev {
            Some(p) if p.succ_opt() == Some(*d) => run + 1,
            _ => 1,
        };
        best = best.max(run);
        prev = Some(*d);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn runs_and_gaps() {
        let days: BTreeSet<NaiveDate> = [
            "2026-01-01",
            "2026-01-02",
            "2026-01-04",
            "2026-01-05",
            "2026-01-06",
        ]
        .iter()
        .map(|d| day(d))
        .collect();
        assert_eq!(longest(&days), 3);
        let s = streak(&days, day("2026-01-06"));
        assert_eq!((s.current, s.active_today, s.at_risk()), (3, true, false));
        let s = streak(&days, day("2026-01-07"));
        assert_eq!((s.current, s.active_today, s.at_risk()), (3, false, true));
        assert_eq!(streak(&days, day("2026-01-08")).current, 0);
        assert_eq!(
            streak(&BTreeSet::new(), day("2026-01-08")),
            Streak::default()
        );
    }

    /// New York springs forward on 2026-03-08 (that local day lasts 23 hours) and falls back on
    /// 2026-11-01 (25 hours); Kolkata has no DST. The same instants are other days there.
    #[test]
    fn dst_change_new_york_vs_kolkata() {
        let ny: Tz = "America/New_York".parse().unwrap();
        let ist = zone(Some("Asia/Kolkata"));
        // 23:30 EST on the 7th, 23:30 EDT on the 8th (23 hours later), 00:30 EDT on the 10th.
        let instants = [
            at("2026-03-08T04:30:00Z"),
            at("2026-03-09T03:30:00Z"),
            at("2026-03-10T04:30:00Z"),
        ];
        let days = local_days(instants, ny);
        assert_eq!(
            days,
            [day("2026-03-07"), day("2026-03-08"), day("2026-03-10")]
                .into_iter()
                .collect()
        );
        // A fixed UTC-5 offset would put the last instant on the 9th and count 3 days.
        assert_eq!(streak(&days, day("2026-03-10")).current, 1);
        assert_eq!(longest(&days), 2);
        let days = local_days(instants, ist);
        assert_eq!(
            days,
            [day("2026-03-08"), day("2026-03-09"), day("2026-03-10")]
                .into_iter()
                .collect()
        );
        assert_eq!(streak(&days, day("2026-03-10")).current, 3);

        // The 25-hour day: 00:10 EDT and 23:50 EST on 2026-11-01 are the same local day,
        // 24 h 40 min apart; the next evening continues the run.
        let days = local_days(
            [
                at("2026-11-01T04:10:00Z"),
                at("2026-11-02T04:50:00Z"),
                at("2026-11-02T23:00:00Z"),
            ],
            ny,
        );
        assert_eq!(days.len(), 2);
        assert_eq!(streak(&days, day("2026-11-02")).current, 2);
    }

    #[test]
    fn unknown_zone_falls_back_to_ist() {
        assert_eq!(zone(Some("Mars/Olympus")), DEFAULT_TZ);
        assert_eq!(zone(None), DEFAULT_TZ);
        assert_eq!(zone(Some("America/New_York")), chrono_tz::America::New_York);
    }
}

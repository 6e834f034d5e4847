//! Daily cards (`dailyCardsQueue`, 00:00 IST): for every active student, what to do today —
//! the streak (and whether it is at risk), today's live classes, work due today — stored per
//! student and IST day and pushed as an in-app notification (`engagement.daily_card`). The
//! card's row is claimed by its insert in the transaction that queues the notification, so a
//! second run, a retry or a second replica pushes nothing twice.

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use kernel::{AppContext, Tenant};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement, TransactionTrait};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::{ledger, risk::ist_day};
use crate::error::LmsError;

/// `[00:00, 24:00)` IST of the day holding `now`.
pub fn ist_bounds(now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let ist = chrono_tz::Asia::Kolkata;
    let day = ist_day(now);
    let start = ist
        .from_local_datetime(&day.and_time(NaiveTime::MIN))
        .single()
        .map_or(now, |d| d.with_timezone(&Utc));
    (start, start + Duration::days(1))
}

/// A class on the card.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, FromQueryResult, utoipa::ToSchema,
)]
pub struct CardClass {
    /// The class.
    pub id: Uuid,
    /// Its course.
    pub course_id: Uuid,
    /// Title.
    pub title: String,
    /// Start.
    pub starts_at: DateTime<Utc>,
}

/// Work due on the card.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, FromQueryResult, utoipa::ToSchema,
)]
pub struct CardAssignment {
    /// The assignment.
    pub id: Uuid,
    /// Its course.
    pub course_id: Uuid,
    /// Title.
    pub title: String,
    /// Due time.
    pub due_at: DateTime<Utc>,
}

/// A student's card for one IST day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DailyCard {
    /// The IST day.
    pub day: chrono::NaiveDate,
    /// Total XP.
    pub xp: i64,
    /// Current streak (in the student's zone).
    pub streak: i64,
    /// The streak ends unless the student does something today.
    pub streak_at_risk: bool,
    /// Live classes today.
    pub classes_today: Vec<CardClass>,
    /// Work due today, not handed in.
    pub assignments_due_today: Vec<CardAssignment>,
    /// What to do first, in words.
    pub todo: String,
}

fn todo(card: &DailyCard) -> String {
    if let Some(a) = card.assignments_due_today.first() {
        format!("Hand in \"{}\" today.", a.title)
    } else if let Some(c) = card.classes_today.first() {
        format!("Join \"{}\" today.", c.title)
    } else if card.streak_at_risk {
        format!(
            "Keep your {}-day streak: complete one lesson today.",
            card.streak
        )
    } else {
        "Complete a lesson to start a streak.".to_owned()
    }
}

/// The card of one student for the IST day of `now` (not stored).
pub async fn build<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<DailyCard, LmsError> {
    let (start, end) = ist_bounds(now);
    let (xp, streak, active_today) =
        ledger::xp_streak_today(conn, platform_id, user_id, now).await?;
    let classes_today = CardClass::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT lc.id, lc.course_id, lc.title, lc.starts_at
           FROM enrollments e JOIN live_classes lc ON lc.course_id = e.course_id
                AND (lc.batch_id IS NULL OR lc.batch_id = e.batch_id)
          WHERE e.platform_id = $1 AND e.user_id = $2 AND e.status = 'active'
            AND lc.starts_at >= $3 AND lc.starts_at < $4
          ORDER BY lc.starts_at, lc.id LIMIT 10",
        [platform_id.into(), user_id.into(), start.into(), end.into()],
    ))
    .all(conn)
    .await?;
    let assignments_due_today = CardAssignment::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT a.id, a.course_id, a.title, a.due_at
           FROM enrollments e JOIN assignments a ON a.course_id = e.course_id
          WHERE e.platform_id = $1 AND e.user_id = $2 AND e.status = 'active'
            AND a.due_at >= $3 AND a.due_at < $4
            AND NOT EXISTS (SELECT 1 FROM assignment_submissions s
                             WHERE s.assignment_id = a.id AND s.user_id = $2)
          ORDER BY a.due_at, a.id LIMIT 10",
        [platform_id.into(), user_id.into(), start.into(), end.into()],
    ))
    .all(conn)
    .await?;
    let mut card = DailyCard {
        day: ist_day(now),
        xp,
        streak,
        streak_at_risk: streak > 0 && !active_today,
        classes_today,
        assignments_due_today,
        todo: String::new(),
    };
    card.todo = todo(&card);
    Ok(card)
}

#[derive(Debug, FromQueryResult)]
struct Student {
    user_id: Uuid,
    platform_id: Uuid,
    slug: String,
    name: String,
}

/// Stores and pushes today's card of every active student who has none yet; answers how many.
pub async fn run(ctx: &AppContext, now: DateTime<Utc>) -> Result<usize, LmsError> {
    let students = Student::find_by_statement(Statement::from_string(
        DbBackend::Postgres,
        "SELECT DISTINCT e.user_id, p.id AS platform_id, p.slug, p.name
           FROM enrollments e JOIN users u ON u.id = e.user_id AND u.status = 'active'
           JOIN platforms p ON p.id = e.platform_id
          WHERE e.status = 'active'
          ORDER BY p.id, e.user_id",
    ))
    .all(&ctx.db)
    .await?;
    let mut sent = 0;
    for s in students {
        let card = build(&ctx.db, s.platform_id, s.user_id, now).await?;
        let txn = ctx.db.begin().await?;
        let fresh = txn
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "INSERT INTO daily_cards (platform_id, user_id, day, card) VALUES ($1, $2, $3, $4)
                 ON CONFLICT DO NOTHING",
                [
                    s.platform_id.into(),
                    s.user_id.into(),
                    card.day.into(),
                    serde_json::to_value(&card).unwrap_or_default().into(),
                ],
            ))
            .await?
            .rows_affected()
            == 1;
        if !fresh {
            continue;
        }
        let tenant = Tenant {
            id: s.platform_id,
            slug: s.slug,
            name: s.name,
            modules: Vec::new(),
        };
        comms::notify_in(
            &txn,
            &tenant,
            comms::Notice {
                user_id: s.user_id,
                kind: "engagement.daily_card".into(),
                title: "Your plan for today".into(),
                body: card.todo.clone(),
                link: Some("/student/dashboard".into()),
                data: json!({"day": card.day}),
            },
        )
        .await?;
        txn.commit().await?;
        sent += 1;
    }
    Ok(sent)
}

/// The caller's latest card (404 before the first).
pub async fn latest<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
) -> Result<DailyCard, LmsError> {
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT card FROM daily_cards WHERE platform_id = $1 AND user_id = $2
              ORDER BY day DESC LIMIT 1",
            [platform_id.into(), user_id.into()],
        ))
        .await?
        .ok_or(LmsError::NotFound("daily card"))?;
    let card: serde_json::Value = row.try_get("", "card")?;
    serde_json::from_value(card).map_err(|_| LmsError::NotFound("daily card"))
}

//! The XP ledger: one row per fact that earns points, awarded at most once per platform,
//! user, kind and source (the unique `xp_ledger_once`), whether the fact arrives as a domain
//! event (once, twice, out of order) or is found by the daily safety net ([`super::safety_net`]).
//! A user's awards are serialised (a transaction-scoped advisory lock on the user), so the
//! badges evaluated in the same transaction see every earlier award.

use chrono::{DateTime, Utc};
use kernel::system_config::Key;
use sea_orm::{DatabaseConnection, DbBackend, FromQueryResult, Statement, TransactionTrait};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{badges, ledger};
use crate::{error::LmsError, settings};

/// What earned the points (the ledger's `source_kind`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum XpKind {
    /// A content item completed (source: the item).
    LessonCompleted,
    /// A quiz passed (source: the quiz, so passing it again earns nothing).
    QuizPassed,
    /// An assignment handed in by its due time (source: the assignment).
    AssignmentOnTime,
    /// A live class attended (source: the class).
    ClassAttended,
    /// A mentorship session held (source: the meeting).
    MentorshipSession,
}

impl XpKind {
    /// Every kind.
    pub const ALL: [Self; 5] = [
        Self::LessonCompleted,
        Self::QuizPassed,
        Self::AssignmentOnTime,
        Self::ClassAttended,
        Self::MentorshipSession,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LessonCompleted => "lesson_completed",
            Self::QuizPassed => "quiz_passed",
            Self::AssignmentOnTime => "assignment_on_time",
            Self::ClassAttended => "class_attended",
            Self::MentorshipSession => "mentorship_session",
        }
    }

    /// The per-platform setting giving its points.
    pub fn points_key(self) -> Key {
        match self {
            Self::LessonCompleted => settings::XP_LESSON_COMPLETED,
            Self::QuizPassed => settings::XP_QUIZ_PASSED,
            Self::AssignmentOnTime => settings::XP_ASSIGNMENT_ON_TIME,
            Self::ClassAttended => settings::XP_CLASS_ATTENDED,
            Self::MentorshipSession => settings::XP_MENTORSHIP_SESSION,
        }
    }
}

/// A fact that earns points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct XpFact {
    /// The student.
    pub user_id: Uuid,
    /// What they did.
    pub kind: XpKind,
    /// What they did it to (item, quiz, assignment, class, meeting).
    pub source_id: Uuid,
    /// The course it belongs to (none for a mentorship session).
    pub course_id: Option<Uuid>,
    /// When they did it (the fact's own time, not the time it was processed).
    pub occurred_at: DateTime<Utc>,
}

/// The outcome of [`award`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Awarded {
    /// The row was written now (false: this fact had already earned its points).
    pub created: bool,
    /// Points of the row.
    pub points: i64,
    /// The student's batch in the course, at award time.
    pub batch_id: Option<Uuid>,
    /// Badges earned by this award.
    pub new_badges: u64,
}

#[derive(Debug, FromQueryResult)]
struct Inserted {
    points: i32,
    batch_id: Option<Uuid>,
}

/// Writes the fact's points once and evaluates the user's badges, in one transaction.
/// `event_id` is the domain event that carried it (none when the safety net found it).
pub async fn award(
    db: &DatabaseConnection,
    platform_id: Uuid,
    fact: &XpFact,
    event_id: Option<Uuid>,
) -> Result<Awarded, LmsError> {
    let points = fact.kind.points_key().int_value(db, platform_id).await?;
    let txn = db.begin().await?;
    ledger::lock_user(&txn, fact.user_id).await?;
    let row = Inserted::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO xp_ledger (id, platform_id, user_id, source_kind, source_id, source_event_id,
                                course_id, batch_id, points, occurred_at)
         SELECT $1, $2, $3, $4, $5, $6, $7,
                (SELECT e.batch_id FROM enrollments e
                  WHERE e.platform_id = $2 AND e.user_id = $3 AND e.course_id = $7),
                $8, $9
         ON CONFLICT ON CONSTRAINT xp_ledger_once DO NOTHING
         RETURNING points, batch_id",
        [
            kernel::ids::new_id().into(),
            platform_id.into(),
            fact.user_id.into(),
            fact.kind.as_str().into(),
            fact.source_id.into(),
            event_id.into(),
            fact.course_id.into(),
            i32::try_from(points).unwrap_or(0).into(),
            fact.occurred_at.into(),
        ],
    ))
    .one(&txn)
    .await?;
    let Some(row) = row else {
        txn.commit().await?;
        return Ok(Awarded {
            created: false,
            points: 0,
            batch_id: None,
            new_badges: 0,
        });
    };
    let new_badges = badges::evaluate(&txn, platform_id, fact.user_id).await?;
    txn.commit().await?;
    Ok(Awarded {
        created: true,
        points: i64::from(row.points),
        batch_id: row.batch_id,
        new_badges,
    })
}

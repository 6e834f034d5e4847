//! Bodies of the engagement area: badges, the student's XP, level, streak and badges, and
//! leaderboards.

use chrono::{DateTime, Utc};
use sea_orm::FromQueryResult;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::{Validate, ValidationError};

/// A new badge rule (ADMIN).
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct NewBadge {
    /// Short code, unique per platform: lower-case letters, digits and `_`.
    #[validate(length(min = 1, max = 50), custom(function = "valid_code"))]
    #[schema(min_length = 1, max_length = 50, pattern = r"^[a-z0-9_]+$")]
    pub code: String,
    /// Display name.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// What it is for.
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    pub description: Option<String>,
    /// The metric compared with the threshold.
    pub metric: BadgeMetric,
    /// Earned when the metric reaches this value.
    #[validate(range(min = 1, max = 10_000_000))]
    #[schema(minimum = 1, maximum = 10_000_000)]
    pub threshold: i32,
}

fn valid_code(code: &str) -> Result<(), ValidationError> {
    if code
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        Ok(())
    } else {
        Err(ValidationError::new("code").with_message("lower-case letters, digits and _".into()))
    }
}

/// Turning a badge on or off (ADMIN).
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct BadgeUpdate {
    /// Inactive badges are no longer awarded; earned ones stay.
    pub active: bool,
}

/// The student's engagement: XP, level, streak in their own time zone, badges.
#[derive(Debug, Serialize, ToSchema)]
pub struct Engagement {
    /// Total experience points.
    pub xp: i64,
    /// Level (1 and up).
    pub level: i64,
    /// XP at which the current level started.
    pub level_floor_xp: i64,
    /// XP at which the next level starts.
    pub next_level_xp: i64,
    /// Consecutive active days, in the student's time zone, ending today (or yesterday while
    /// today is still open).
    pub streak: i64,
    /// The longest streak ever.
    pub longest_streak: i64,
    /// Today counts already.
    pub active_today: bool,
    /// The streak ends unless the student does something today.
    pub streak_at_risk: bool,
    /// The zone the days are counted in (IANA name).
    pub timezone: String,
    /// Lessons completed.
    pub lessons_completed: i64,
    /// Quizzes passed.
    pub quizzes_passed: i64,
    /// Assignments handed in on time.
    pub assignments_on_time: i64,
    /// Live classes attended.
    pub classes_attended: i64,
    /// Mentorship sessions held.
    pub mentorship_sessions: i64,
    /// Badges earned, in the order earned.
    pub badges: Vec<EarnedBadge>,
}

/// Which leaderboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BoardScope {
    /// The students of one batch.
    Batch,
    /// The students of one course.
    Course,
}

/// Over which time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BoardPeriod {
    /// This week (Monday 00:00 IST onwards).
    Week,
    /// Since the start.
    #[default]
    AllTime,
}

/// Leaderboard query.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BoardQuery {
    /// `week` or `all_time` (default).
    #[serde(default)]
    pub period: BoardPeriod,
    /// How many of the top to answer (default 20).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// One row of a leaderboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct BoardEntry {
    /// 1 for the top.
    pub rank: i64,
    /// The student.
    pub user_id: Uuid,
    /// Their name.
    pub full_name: Option<String>,
    /// XP in the period.
    pub xp: i64,
}

/// A leaderboard.
#[derive(Debug, Serialize, ToSchema)]
pub struct Leaderboard {
    /// `batch` or `course`.
    pub scope: BoardScope,
    /// The batch or course.
    pub id: Uuid,
    /// `week` or `all_time`.
    pub period: BoardPeriod,
    /// The top students, best first (ties by user id).
    pub entries: Vec<BoardEntry>,
    /// The caller's own row when they are on the board.
    pub me: Option<BoardEntry>,
}

/// What a badge's threshold is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BadgeMetric {
    /// Total XP.
    Xp,
    /// The longest run of active local days.
    LongestStreak,
    /// Quizzes passed.
    QuizzesPassed,
    /// Lessons completed.
    LessonsCompleted,
    /// Live classes attended.
    ClassesAttended,
    /// Assignments handed in on time.
    AssignmentsOnTime,
    /// Mentorship sessions held.
    MentorshipSessions,
}

impl BadgeMetric {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Xp => "xp",
            Self::LongestStreak => "longest_streak",
            Self::QuizzesPassed => "quizzes_passed",
            Self::LessonsCompleted => "lessons_completed",
            Self::ClassesAttended => "classes_attended",
            Self::AssignmentsOnTime => "assignments_on_time",
            Self::MentorshipSessions => "mentorship_sessions",
        }
    }
}

/// A badge rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromQueryResult, utoipa::ToSchema)]
pub struct Badge {
    /// The badge.
    pub id: Uuid,
    /// Short unique code (`quiz_master`).
    pub code: String,
    /// Display name.
    pub name: String,
    /// What it is for.
    pub description: String,
    /// `xp`, `longest_streak`, `quizzes_passed`, `lessons_completed`, `classes_attended`,
    /// `assignments_on_time`, `mentorship_sessions`.
    pub metric: String,
    /// Earned at this value of the metric.
    pub threshold: i32,
    /// Inactive badges are not awarded any more (earned ones stay).
    pub active: bool,
    /// Defined at.
    pub created_at: DateTime<Utc>,
}

/// A badge a student earned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromQueryResult, utoipa::ToSchema)]
pub struct EarnedBadge {
    /// The badge.
    pub id: Uuid,
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// When it was earned.
    pub awarded_at: DateTime<Utc>,
}

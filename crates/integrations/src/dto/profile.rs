//! The student profile for AI agents: the answer and the named sections' shapes (each
//! section is filled by the crate that owns its data; see `crate::profile`).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

/// `GET /api/ai/student-profile/{user_id}`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StudentProfile {
    /// The user.
    pub user_id: Uuid,
    /// The shape's version (`crate::service::profile::PROFILE_VERSION`): bumped when a
    /// section is added or changes shape, so agents and caches can tell.
    pub version: u32,
    /// When it was assembled (a cached answer keeps its time; it is at most
    /// `PROFILE_CACHE_SECS` old).
    pub generated_at: DateTime<Utc>,
    /// The sections by name.
    #[schema(value_type = ProfileSectionsDoc)]
    pub sections: BTreeMap<String, Value>,
}

/// The named sections. `user` is always there; the others when their crate is part of the
/// deployment (the LMS's: `enrollments`, `quizzes`, `engagement`, `risk`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProfileSectionsDoc {
    /// Who the user is.
    pub user: UserSection,
    /// Mentorship sessions.
    pub mentorship: Option<MentorshipSection>,
    /// The token wallet.
    pub tokens: Option<TokensSection>,
    /// LMS enrolments and progress.
    pub enrollments: Option<EnrollmentsSection>,
    /// LMS quiz results.
    pub quizzes: Option<QuizzesSection>,
    /// Mr. Hire's placement score.
    pub placement: Option<PlacementSection>,
    /// LMS engagement: XP, level, streak, badges.
    #[schema(value_type = Option<Object>)]
    pub engagement: Option<Value>,
    /// LMS risk: the latest score per course with its parts and trend.
    #[schema(value_type = Option<Object>)]
    pub risk: Option<Value>,
}

/// One part of the placement score.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct PlacementComponent {
    /// 0-100 (none without data).
    pub percent: Option<f64>,
    /// Data points behind it.
    pub count: i64,
    /// Its weight in the score.
    pub weight: i32,
}

/// Section `placement` (Mr. Hire): how ready the student is for placement.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct PlacementSection {
    /// 0-100: the weighted mean of the components that have data (none without any).
    pub score: Option<f64>,
    /// LMS quiz results (mean percent of finished attempts).
    pub quizzes: PlacementComponent,
    /// Graded projects (assignments; mean percent of each one's latest grade).
    pub projects: PlacementComponent,
    /// Practice interviews (Miss Ozone calls ElevenLabs judged successful, percent).
    pub interviews: PlacementComponent,
    /// When computed.
    pub computed_at: DateTime<Utc>,
}

/// Section `user` (identity).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UserSection {
    /// Id.
    pub id: Uuid,
    /// Full name.
    pub full_name: String,
    /// Email: whole for an ADMIN viewer, masked (`a***@example.com`) for the user themself.
    pub email: String,
    /// Role.
    pub role: String,
    /// `active` or `suspended`.
    pub status: String,
    /// Signed up.
    pub created_at: DateTime<Utc>,
    /// Last sign-in.
    pub last_login_at: Option<DateTime<Utc>>,
}

/// Section `mentorship`: the user's meetings as a student.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct MentorshipSection {
    /// Meetings booked (every status).
    pub meetings_booked: i64,
    /// Meetings held (completed).
    pub meetings_held: i64,
    /// Meetings cancelled.
    pub meetings_cancelled: i64,
    /// Meetings still ahead.
    pub meetings_upcoming: i64,
    /// Start of the last held meeting.
    pub last_meeting_at: Option<DateTime<Utc>>,
    /// The mentors met most (up to 5).
    pub mentors: Vec<MentorCount>,
}

/// A mentor and how many meetings the user booked with them.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MentorCount {
    /// The mentor's user id.
    pub mentor_user_id: Uuid,
    /// Meetings booked with them.
    pub meetings: i64,
}

/// Section `tokens`: the wallet.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct TokensSection {
    /// Spendable tokens.
    pub available: i64,
    /// Tokens held for bookings.
    pub held: i64,
    /// Tokens spent on held sessions.
    pub spent: i64,
    /// Tokens bought.
    pub purchased: i64,
}

/// Section `enrollments` (the LMS): the user's courses and how far they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct EnrollmentsSection {
    /// Active enrolments, newest first (at most 50).
    pub courses: Vec<CourseProgress>,
    /// Active enrolments in all.
    pub active: i64,
    /// Items completed across every course.
    pub items_completed: i64,
    /// When the user last completed an item.
    pub last_activity_at: Option<DateTime<Utc>>,
}

/// One enrolment of the `enrollments` section.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CourseProgress {
    /// Course.
    pub course_id: Uuid,
    /// Its title.
    pub title: String,
    /// Its level.
    pub level: String,
    /// The batch, if seated.
    pub batch: Option<String>,
    /// When the user enrolled.
    pub enrolled_at: DateTime<Utc>,
    /// Items completed.
    pub items_completed: i64,
    /// Items in the course.
    pub items_total: i64,
}

/// Section `quizzes` (the LMS): how the user does in timed quizzes.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct QuizzesSection {
    /// Finished attempts.
    pub attempts: i64,
    /// Quizzes attempted.
    pub quizzes: i64,
    /// Quizzes passed.
    pub passed: i64,
    /// Mean score of finished attempts, percent.
    pub average_percent: Option<f64>,
    /// When the last attempt finished.
    pub last_attempt_at: Option<DateTime<Utc>>,
}

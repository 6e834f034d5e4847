//! The `mentorship` section of the student profile for AI agents
//! (`integrations::profile`): the user's meetings as a student on the platform — booked,
//! held, cancelled, upcoming, the last one held, and the mentors met most.

use chrono::{DateTime, Utc};
use integrations::{
    dto::profile::{MentorCount, MentorshipSection},
    profile::{ProfileSection, SectionFuture, Subject},
};
use kernel::AppError;
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};
use uuid::Uuid;

/// The section (registered by the gateway).
#[derive(Debug, Clone, Copy, Default)]
pub struct MentorshipProfile;

#[derive(Debug, FromQueryResult)]
struct Counts {
    booked: i64,
    held: i64,
    cancelled: i64,
    upcoming: i64,
    last_meeting_at: Option<DateTime<Utc>>,
}

#[derive(Debug, FromQueryResult)]
struct Mentor {
    mentor_user_id: Uuid,
    meetings: i64,
}

/// The student's meetings on the platform.
pub async fn section(
    conn: &impl ConnectionTrait,
    platform_id: Uuid,
    user_id: Uuid,
) -> Result<MentorshipSection, sea_orm::DbErr> {
    let counts = Counts::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT COUNT(*)::bigint AS booked,
                COUNT(*) FILTER (WHERE status = 'completed')::bigint AS held,
                COUNT(*) FILTER (WHERE status = 'cancelled')::bigint AS cancelled,
                COUNT(*) FILTER (WHERE status = 'scheduled' AND starts_at > now())::bigint AS upcoming,
                MAX(starts_at) FILTER (WHERE status = 'completed') AS last_meeting_at
           FROM meetings WHERE platform_id = $1 AND student_user_id = $2",
        [platform_id.into(), user_id.into()],
    ))
    .one(conn)
    .await?;
    let mentors = Mentor::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT mentor_user_id, COUNT(*)::bigint AS meetings
           FROM meetings WHERE platform_id = $1 AND student_user_id = $2
          GROUP BY mentor_user_id ORDER BY meetings DESC, mentor_user_id LIMIT 5",
        [platform_id.into(), user_id.into()],
    ))
    .all(conn)
    .await?;
    let Some(c) = counts else {
        return Ok(MentorshipSection::default());
    };
    Ok(MentorshipSection {
        meetings_booked: c.booked,
        meetings_held: c.held,
        meetings_cancelled: c.cancelled,
        meetings_upcoming: c.upcoming,
        last_meeting_at: c.last_meeting_at,
        mentors: mentors
            .into_iter()
            .map(|m| MentorCount {
                mentor_user_id: m.mentor_user_id,
                meetings: m.meetings,
            })
            .collect(),
    })
}

impl ProfileSection for MentorshipProfile {
    fn name(&self) -> &'static str {
        "mentorship"
    }

    fn load<'a>(&'a self, subject: Subject<'a>) -> SectionFuture<'a> {
        Box::pin(async move {
            let found = section(subject.db, subject.tenant.id, subject.user_id).await?;
            let value = serde_json::to_value(found).map_err(|e| AppError::Unexpected(e.into()))?;
            Ok::<_, AppError>(Some(value))
        })
    }
}

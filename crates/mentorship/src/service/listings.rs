//! The lists of bookings and meetings: a student's own bookings, a mentor's, and every
//! meeting of the platform for admins, plus a meeting's log. Each page is one statement
//! (booking, meeting, mentor profile and both names joined), keyset-paginated on
//! `(starts_at, meeting id)` and always filtered on the caller's platform (and, for students
//! and mentors, on the caller). Like the mentor list, the statement names only the filters
//! in use.

use chrono::{DateTime, Utc};
use kernel::pagination::{Page, PageParams};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement, Value};
use uuid::Uuid;

use crate::{
    dto::{
        admin::{AdminMeetingItem, LogLine, MeetingFilter},
        bookings::{BookingFilter, BookingItem, BookingView, MentorRef, Person},
    },
    entities::{
        bookings::BookingStatus,
        meetings::{self, MeetingStatus},
    },
    error::MentorshipError,
};

/// Whose bookings a list shows.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    /// The bookings this user made (user id).
    Student(Uuid),
    /// The bookings of this mentor's slots (the mentor's user id).
    Mentor(Uuid),
}

#[derive(Debug, FromQueryResult)]
struct Row {
    booking_id: Uuid,
    meeting_id: Uuid,
    slot_id: Uuid,
    tokens: i64,
    booking_status: BookingStatus,
    refunded_tokens: Option<i64>,
    booked_at: DateTime<Utc>,
    meeting_status: MeetingStatus,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    started_at: Option<DateTime<Utc>>,
    ended_at: Option<DateTime<Utc>>,
    completed_at: Option<DateTime<Utc>>,
    mentor_id: Uuid,
    mentor_user_id: Uuid,
    mentor_name: String,
    student_id: Uuid,
    student_name: String,
}

impl Row {
    fn mentor(&self) -> MentorRef {
        MentorRef {
            id: self.mentor_id,
            user_id: self.mentor_user_id,
            name: self.mentor_name.clone(),
        }
    }

    fn student(&self) -> Person {
        Person {
            id: self.student_id,
            name: self.student_name.clone(),
        }
    }

    fn into_booking(self) -> BookingItem {
        BookingItem {
            mentor: self.mentor(),
            student: self.student(),
            booking_id: self.booking_id,
            meeting_id: self.meeting_id,
            slot_id: self.slot_id,
            start_at: self.starts_at,
            end_at: self.ends_at,
            tokens: self.tokens,
            status: self.booking_status,
            meeting_status: self.meeting_status,
            refunded_tokens: self.refunded_tokens,
            booked_at: self.booked_at,
        }
    }

    fn into_meeting(self) -> AdminMeetingItem {
        AdminMeetingItem {
            mentor: self.mentor(),
            student: self.student(),
            id: self.meeting_id,
            status: self.meeting_status,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            started_at: self.started_at,
            ended_at: self.ended_at,
            completed_at: self.completed_at,
            booking_id: self.booking_id,
            booking_status: self.booking_status,
            tokens: self.tokens,
        }
    }
}

/// A statement under construction: its bound values and `$n` placeholders.
struct Query {
    values: Vec<Value>,
    filters: String,
}

impl Query {
    fn new(values: Vec<Value>) -> Self {
        Self {
            values,
            filters: String::new(),
        }
    }

    fn param(&mut self, v: impl Into<Value>) -> String {
        self.values.push(v.into());
        format!("${}", self.values.len())
    }

    /// The condition of a booking that is booked and not over yet (the session is scheduled
    /// or live and has not ended by now).
    fn upcoming(&mut self) -> String {
        let booked = self.param(BookingStatus::Booked);
        let scheduled = self.param(MeetingStatus::Scheduled);
        let live = self.param(MeetingStatus::Live);
        let now = self.param(Utc::now());
        format!("b.status = {booked} AND m.status IN ({scheduled}, {live}) AND m.ends_at > {now}")
    }

    fn and(&mut self, sql: &str) {
        self.filters += " AND ";
        self.filters += sql;
    }

    /// Runs the page: `head` selects the rows of the caller, `ascending` orders them.
    async fn page<C: ConnectionTrait>(
        mut self,
        conn: &C,
        head: &str,
        ascending: bool,
        params: &PageParams,
    ) -> Result<Page<Row>, MentorshipError> {
        let limit = params.limit().map_err(MentorshipError::App)?;
        let (dir, cmp) = if ascending {
            ("ASC", ">")
        } else {
            ("DESC", "<")
        };
        if let Some((at, id)) = params
            .after::<(DateTime<Utc>, Uuid)>()
            .map_err(MentorshipError::App)?
        {
            let (at, id) = (self.param(at), self.param(id));
            self.and(&format!("(m.starts_at, m.id) {cmp} ({at}, {id})"));
        }
        let take = self.param(i64::try_from(limit + 1).unwrap_or(i64::MAX));
        let sql = format!(
            "SELECT b.id AS booking_id, m.id AS meeting_id, b.slot_id, b.tokens,
                    b.status AS booking_status, b.refunded_tokens, b.created_at AS booked_at,
                    m.status AS meeting_status, m.starts_at, m.ends_at, m.started_at,
                    m.ended_at, m.completed_at, p.id AS mentor_id, m.mentor_user_id,
                    COALESCE(NULLIF(btrim(p.full_name), ''), mu.full_name, '') AS mentor_name,
                    m.student_user_id AS student_id, COALESCE(su.full_name, '') AS student_name
               FROM meetings m
               JOIN bookings b ON b.id = m.booking_id
               JOIN mentor_profiles p ON p.id = b.mentor_id
               LEFT JOIN users mu ON mu.id = m.mentor_user_id
               LEFT JOIN users su ON su.id = m.student_user_id
              WHERE {head}{filters}
              ORDER BY m.starts_at {dir}, m.id {dir}
              LIMIT {take}",
            filters = self.filters,
        );
        let rows = Row::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            self.values,
        ))
        .all(conn)
        .await?;
        Ok(Page::from_rows(rows, limit, |r| {
            (r.starts_at, r.meeting_id)
        }))
    }
}

/// A page of the caller's bookings (as a student or as the mentor), filtered by `view`:
/// upcoming soonest first, everything else newest first.
pub async fn bookings<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    scope: Scope,
    filter: &BookingFilter,
) -> Result<Page<BookingItem>, MentorshipError> {
    let head = match scope {
        Scope::Student(_) => "b.platform_id = $1 AND b.student_id = $2",
        Scope::Mentor(_) => "m.platform_id = $1 AND m.mentor_user_id = $2",
    };
    let (Scope::Student(user) | Scope::Mentor(user)) = scope;
    let mut q = Query::new(vec![platform_id.into(), user.into()]);
    let view = filter.view();
    if let Some(view) = view {
        let condition = match view {
            BookingView::Upcoming => q.upcoming(),
            BookingView::Past => {
                let cancelled = q.param(BookingStatus::Cancelled);
                format!("b.status <> {cancelled} AND NOT ({})", q.upcoming())
            }
            BookingView::Cancelled => {
                let cancelled = q.param(BookingStatus::Cancelled);
                format!("b.status = {cancelled}")
            }
        };
        q.and(&condition);
    }
    let params = PageParams {
        limit: filter.limit,
        cursor: filter.cursor.clone(),
    };
    let ascending = view == Some(BookingView::Upcoming);
    Ok(q.page(conn, head, ascending, &params)
        .await?
        .map(Row::into_booking))
}

/// A page of the platform's meetings for admins, newest start first.
pub async fn meetings<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    filter: &MeetingFilter,
) -> Result<Page<AdminMeetingItem>, MentorshipError> {
    if let (Some(from), Some(to)) = (filter.from, filter.to)
        && to <= from
    {
        return Err(MentorshipError::Invalid("to", "must be after from".into()));
    }
    let mut q = Query::new(vec![platform_id.into()]);
    if let Some(status) = filter.status {
        let p = q.param(status);
        q.and(&format!("m.status = {p}"));
    }
    if let Some(mentor) = filter.mentor_id {
        let p = q.param(mentor);
        q.and(&format!("(b.mentor_id = {p} OR m.mentor_user_id = {p})"));
    }
    if let Some(student) = filter.student_id {
        let p = q.param(student);
        q.and(&format!("m.student_user_id = {p}"));
    }
    if let Some(from) = filter.from {
        let p = q.param(from);
        q.and(&format!("m.starts_at >= {p}"));
    }
    if let Some(to) = filter.to {
        let p = q.param(to);
        q.and(&format!("m.starts_at < {p}"));
    }
    let params = PageParams {
        limit: filter.limit,
        cursor: filter.cursor.clone(),
    };
    Ok(q.page(conn, "m.platform_id = $1", false, &params)
        .await?
        .map(Row::into_meeting))
}

#[derive(Debug, FromQueryResult)]
struct LogRow {
    id: Uuid,
    kind: String,
    actor_id: Option<Uuid>,
    actor_name: Option<String>,
    payload: serde_json::Value,
    created_at: DateTime<Utc>,
}

/// A page of a meeting's log, oldest first (a meeting of another platform is not found).
pub async fn log<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    meeting_id: Uuid,
    params: &PageParams,
) -> Result<Page<LogLine>, MentorshipError> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let limit = params.limit().map_err(MentorshipError::App)?;
    let after = params
        .after::<(DateTime<Utc>, Uuid)>()
        .map_err(MentorshipError::App)?;
    let meeting = meetings::Entity::find_by_id(meeting_id)
        .filter(meetings::Column::PlatformId.eq(platform_id))
        .one(conn)
        .await?
        .ok_or(MentorshipError::NotFound("meeting"))?;
    let mut q = Query::new(vec![meeting.id.into()]);
    if let Some((at, id)) = after {
        let (at, id) = (q.param(at), q.param(id));
        q.and(&format!("(l.created_at, l.id) > ({at}, {id})"));
    }
    let take = q.param(i64::try_from(limit + 1).unwrap_or(i64::MAX));
    let sql = format!(
        "SELECT l.id, l.kind, l.actor_id, u.full_name AS actor_name, l.payload, l.created_at
           FROM meeting_logs l
           LEFT JOIN users u ON u.id = l.actor_id
          WHERE l.meeting_id = $1{filters}
          ORDER BY l.created_at, l.id
          LIMIT {take}",
        filters = q.filters,
    );
    let rows = LogRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        sql,
        q.values,
    ))
    .all(conn)
    .await?;
    let page = Page::from_rows(rows, limit, |r| (r.created_at, r.id));
    Ok(page.map(|r| LogLine {
        actor_role: match r.actor_id {
            None => "system",
            Some(a) if a == meeting.mentor_user_id => "mentor",
            Some(a) if a == meeting.student_user_id => "student",
            Some(_) => "other",
        }
        .into(),
        actor: r.actor_id.map(|id| Person {
            id,
            name: r.actor_name.unwrap_or_default(),
        }),
        id: r.id,
        kind: r.kind,
        data: r.payload,
        at: r.created_at,
    }))
}

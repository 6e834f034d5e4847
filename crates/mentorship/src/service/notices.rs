//! Booking emails and in-app notifications. Confirmations and cancellations go into the
//! outbox inside the booking's own transaction (sent exactly when it commits). Reminders 24 h
//! and 1 h ahead, and the completion link at the end, are delayed [`MeetingNotice`] jobs
//! planned for one `plan_version` of the meeting, one after the other: the booking plans the
//! first, and each plans the next in the transaction that sends it. When one runs it re-reads
//! the meeting and does nothing (and plans nothing) if it was cancelled, completed or
//! re-planned since (a reschedule bumps the version and plans a new first notice). Checking at
//! send time needs no job ids and holds on any replica, where removing delayed jobs would race
//! with a job already taken by another worker.

use chrono::{DateTime, Duration, Utc};
use comms::email::{EmailJob, Template};
use identity::entities::users;
use kernel::{AppContext, Tenant};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use super::profiles;
use crate::{
    entities::{meetings, mentor_profiles},
    error::MentorshipError,
};

/// Which delayed notice of a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Notice {
    /// The reminder a day ahead.
    #[serde(rename = "reminder_24h")]
    Reminder24h,
    /// The reminder an hour ahead.
    #[serde(rename = "reminder_1h")]
    Reminder1h,
    /// The mentor's "mark the session completed" link, at the end.
    CompleteLink,
}

impl Notice {
    /// Every notice with when it is due for a meeting.
    pub fn due(m: &meetings::Model) -> [(Notice, DateTime<Utc>); 3] {
        [
            (Notice::Reminder24h, m.starts_at - Duration::hours(24)),
            (Notice::Reminder1h, m.starts_at - Duration::hours(1)),
            (Notice::CompleteLink, m.ends_at),
        ]
    }

    /// The notice to plan after `after` (the first one when `None`), and in how long: the
    /// next in [`Notice::due`]'s order whose time has not passed, except the completion link,
    /// which is sent at once when it is late. Each notice plans the next when it runs, so a
    /// booking adds one delayed job, not three (ADR 0093).
    pub fn next(
        m: &meetings::Model,
        after: Option<Notice>,
        now: DateTime<Utc>,
    ) -> Option<(Notice, std::time::Duration)> {
        let due = Notice::due(m);
        let from = after.map_or(0, |a| {
            due.iter()
                .position(|(n, _)| *n == a)
                .map_or(due.len(), |i| i + 1)
        });
        due[from..]
            .iter()
            .find_map(|&(notice, at)| match (at - now).to_std() {
                Ok(delay) => Some((notice, delay)),
                Err(_) if notice == Notice::CompleteLink => {
                    Some((notice, std::time::Duration::ZERO))
                }
                Err(_) => None,
            })
    }

    /// The stable name (`reminder_24h`, …).
    pub fn name(self) -> &'static str {
        match self {
            Notice::Reminder24h => "reminder_24h",
            Notice::Reminder1h => "reminder_1h",
            Notice::CompleteLink => "complete_link",
        }
    }
}

/// A delayed notice of a meeting (`emailQueue`, `meeting-notice`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingNotice {
    /// The meeting.
    pub meeting_id: Uuid,
    /// Which notice.
    pub notice: Notice,
    /// The meeting's `plan_version` when the notice was planned.
    pub plan: i32,
}

impl jobs::JobSpec for MeetingNotice {
    const QUEUE: &'static str = "emailQueue";
    const NAME: &'static str = "meeting-notice";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// The mentor's and the student's user rows (the mentor named as on their profile).
pub async fn people<C: ConnectionTrait>(
    conn: &C,
    m: &meetings::Model,
) -> Result<(users::Model, users::Model), MentorshipError> {
    let profile = profiles::of_user(conn, m.platform_id, m.mentor_user_id).await?;
    participants(conn, m, profile.as_ref()).await
}

/// [`people`] with the mentor's profile already read.
pub async fn participants<C: ConnectionTrait>(
    conn: &C,
    m: &meetings::Model,
    profile: Option<&mentor_profiles::Model>,
) -> Result<(users::Model, users::Model), MentorshipError> {
    let rows = users::Entity::find()
        .filter(users::Column::PlatformId.eq(m.platform_id))
        .filter(users::Column::Id.is_in([m.mentor_user_id, m.student_user_id]))
        .all(conn)
        .await?;
    let find = |id: Uuid| rows.iter().find(|u| u.id == id).cloned();
    let (Some(mut mentor), Some(student)) = (find(m.mentor_user_id), find(m.student_user_id))
    else {
        return Err(MentorshipError::NotFound("participant"));
    };
    if let Some(profile) = profile {
        named(&mut mentor, profile);
    }
    Ok((mentor, student))
}

/// Names the mentor's user as on their profile (when the profile has a name).
pub fn named(mentor: &mut users::Model, profile: &mentor_profiles::Model) {
    if !profile.full_name.trim().is_empty() {
        mentor.full_name.clone_from(&profile.full_name);
    }
}

/// The template data of a meeting email to `to` about a session with `with`.
fn data(ctx: &AppContext, m: &meetings::Model, to: &users::Model, with: &users::Model) -> Value {
    json!({
        "start_time": m.starts_at.to_rfc3339(),
        "title": "your mentorship session",
        "with_name": with.full_name,
        "name": to.full_name,
        "join_url": format!("{}/meetings/{}", ctx.config.public_base_url, m.id),
    })
}

/// What a change of a meeting sends, gathered and written as one outbox statement
/// ([`Outgoing::write`], inside the change's transaction): emails and in-app notices to both
/// participants, the delayed notices of its plan, and any other job (the calendar event).
pub struct Outgoing<'a> {
    tenant: &'a Tenant,
    meeting: &'a meetings::Model,
    mentor: users::Model,
    student: users::Model,
    batch: jobs::outbox::Batch,
}

impl<'a> Outgoing<'a> {
    /// Reads the participants of `m` (see [`people`]).
    pub async fn for_meeting<C: ConnectionTrait>(
        conn: &C,
        tenant: &'a Tenant,
        m: &'a meetings::Model,
    ) -> Result<Self, MentorshipError> {
        let (mentor, student) = people(conn, m).await?;
        Ok(Self::with_people(tenant, m, mentor, student))
    }

    /// With participants already read.
    pub fn with_people(
        tenant: &'a Tenant,
        m: &'a meetings::Model,
        mentor: users::Model,
        student: users::Model,
    ) -> Self {
        Self {
            tenant,
            meeting: m,
            mentor,
            student,
            batch: jobs::outbox::Batch::new(),
        }
    }

    /// `template` to both participants; `extra` is merged into the data.
    pub fn emails(
        &mut self,
        ctx: &AppContext,
        template: Template,
        extra: Value,
    ) -> Result<(), MentorshipError> {
        for (to, with) in [(&self.student, &self.mentor), (&self.mentor, &self.student)] {
            let mut d = data(ctx, self.meeting, to, with);
            if let (Some(d), Some(extra)) = (d.as_object_mut(), extra.as_object()) {
                d.extend(extra.clone());
            }
            comms::email::enqueue_into(
                &mut self.batch,
                self.tenant,
                &EmailJob::new(template, &to.email, d),
            )?;
        }
        Ok(())
    }

    /// `kind` as an in-app notification ([`comms::notify_into`]) to both participants:
    /// written and pushed over Socket.IO once the transaction commits, never if it rolls back.
    pub fn in_app(&mut self, kind: InApp) -> Result<(), MentorshipError> {
        let m = self.meeting;
        for (to, with) in [(&self.student, &self.mentor), (&self.mentor, &self.student)] {
            let (code, title) = match kind {
                InApp::Booked => (
                    "meeting.booked",
                    format!("Session booked with {}", with.full_name),
                ),
                InApp::Cancelled => (
                    "meeting.cancelled",
                    format!("Session with {} cancelled", with.full_name),
                ),
            };
            comms::notify_into(
                &mut self.batch,
                self.tenant,
                comms::Notice {
                    user_id: to.id,
                    kind: code.to_owned(),
                    title,
                    body: format!("{} (UTC)", m.starts_at.format("%a %d %b %Y, %H:%M")),
                    link: Some(format!("/meetings/{}", m.id)),
                    data: json!({"meeting_id": m.id, "starts_at": m.starts_at}),
                },
            )?;
        }
        Ok(())
    }

    /// The first of the meeting's delayed notices for its current `plan_version` (the
    /// later ones follow it, [`Notice::next`]); reminders already due (the one 24 h ahead of
    /// a session booked for tomorrow morning) are skipped.
    pub fn plan(&mut self) -> Result<(), MentorshipError> {
        if let Some((notice, delay)) = Notice::next(self.meeting, None, Utc::now()) {
            let job = MeetingNotice {
                meeting_id: self.meeting.id,
                notice,
                plan: self.meeting.plan_version,
            };
            self.batch.enqueue_delayed(self.tenant, &job, delay)?;
        }
        Ok(())
    }

    /// Any other job of the change.
    pub fn job<T: jobs::JobSpec>(&mut self, job: &T) -> Result<(), MentorshipError> {
        self.batch.enqueue(self.tenant, job)?;
        Ok(())
    }

    /// Everything gathered, for the caller to add to and write.
    pub fn into_batch(self) -> jobs::outbox::Batch {
        self.batch
    }

    /// Writes everything gathered inside `txn` (one statement).
    pub async fn write<C: ConnectionTrait>(self, txn: &C) -> Result<(), MentorshipError> {
        Ok(self.batch.insert(txn).await?)
    }

    /// Writes everything gathered inside `txn` in the same statement as the caller's own
    /// writes ([`jobs::outbox::Batch::insert_after`]).
    pub async fn write_after<C: ConnectionTrait>(
        self,
        txn: &C,
        ctes: &str,
        values: Vec<sea_orm::Value>,
    ) -> Result<(), MentorshipError> {
        Ok(self.batch.insert_after(txn, ctes, values).await?)
    }
}

/// Which in-app notification a booking change sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InApp {
    /// `meeting.booked`.
    Booked,
    /// `meeting.cancelled`.
    Cancelled,
}

/// The tenant a row belongs to (jobs carry only the platform slug).
pub async fn tenant_of<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
) -> Result<Tenant, MentorshipError> {
    let p = kernel::tenant::entity::Entity::find_by_id(platform_id)
        .one(conn)
        .await?
        .ok_or(MentorshipError::NotFound("platform"))?;
    Ok(Tenant {
        id: p.id,
        slug: p.slug,
        name: p.name,
        modules: serde_json::from_value(p.modules).unwrap_or_default(),
    })
}

/// The reminder email of `notice` to both participants, gathered into a batch that the
/// caller writes with the rest of its transaction's jobs.
pub async fn remind<C: ConnectionTrait>(
    txn: &C,
    ctx: &AppContext,
    tenant: &Tenant,
    m: &meetings::Model,
    notice: Notice,
) -> Result<jobs::outbox::Batch, MentorshipError> {
    let minutes = if notice == Notice::Reminder24h {
        24 * 60
    } else {
        60
    };
    let mut out = Outgoing::for_meeting(txn, tenant, m).await?;
    out.emails(
        ctx,
        Template::MeetingReminder,
        json!({"minutes_before": minutes}),
    )?;
    Ok(out.into_batch())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::MeetingStatus;

    fn meeting(starts_in: Duration) -> meetings::Model {
        let now = Utc::now();
        meetings::Model {
            id: Uuid::nil(),
            platform_id: Uuid::nil(),
            booking_id: Uuid::nil(),
            mentor_user_id: Uuid::nil(),
            student_user_id: Uuid::nil(),
            starts_at: now + starts_in,
            ends_at: now + starts_in + Duration::minutes(30),
            status: MeetingStatus::Scheduled,
            started_at: None,
            ended_at: None,
            completed_at: None,
            completed_by: None,
            plan_version: 1,
            created_at: now,
            updated_at: now,
        }
    }

    fn next(m: &meetings::Model, after: Option<Notice>, now: DateTime<Utc>) -> Option<Notice> {
        Notice::next(m, after, now).map(|(n, _)| n)
    }

    #[test]
    fn each_notice_plans_the_next_one_still_ahead() {
        let m = meeting(Duration::hours(30));
        let now = Utc::now();
        let (first, delay) = Notice::next(&m, None, now).unwrap();
        assert_eq!(first, Notice::Reminder24h);
        let six_hours = std::time::Duration::from_secs(6 * 3600);
        assert!(delay <= six_hours && delay > six_hours - std::time::Duration::from_secs(60));
        // run on time, each plans the next; the link ends the chain
        let at_24h = m.starts_at - Duration::hours(24);
        assert_eq!(
            next(&m, Some(Notice::Reminder24h), at_24h),
            Some(Notice::Reminder1h)
        );
        let at_1h = m.starts_at - Duration::hours(1);
        assert_eq!(
            next(&m, Some(Notice::Reminder1h), at_1h),
            Some(Notice::CompleteLink)
        );
        assert_eq!(next(&m, Some(Notice::CompleteLink), m.ends_at), None);
    }

    #[test]
    fn late_reminders_are_skipped_and_a_late_link_is_sent_at_once() {
        // booked 3 hours ahead: no 24 h reminder
        let m = meeting(Duration::hours(3));
        assert_eq!(next(&m, None, Utc::now()), Some(Notice::Reminder1h));
        // the 24 h reminder ran so late that the 1 h one is due too: straight to the link
        let late = m.starts_at - Duration::minutes(10);
        assert_eq!(
            next(&m, Some(Notice::Reminder24h), late),
            Some(Notice::CompleteLink)
        );
        // the 1 h reminder ran after the session ended: the link at once
        let after = m.ends_at + Duration::minutes(5);
        assert_eq!(
            Notice::next(&m, Some(Notice::Reminder1h), after),
            Some((Notice::CompleteLink, std::time::Duration::ZERO))
        );
    }
}

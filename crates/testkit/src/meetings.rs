//! Time travel for Mr. Mentor tests: a booked meeting's slot lies in the future (slots cannot
//! be created in the past), so tests move the meeting's times to make the session due or over
//! instead of waiting for the clock.

use reqwest::Method;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use uuid::Uuid;

use crate::TestApp;

impl TestApp {
    /// Moves meeting `meeting` to start `start_min` and end `end_min` minutes from now
    /// (negative: in the past). Only the meeting row moves; its slot keeps its times.
    pub async fn shift_meeting(&self, meeting: &str, start_min: i64, end_min: i64) {
        let id: Uuid = meeting.parse().expect("a meeting id");
        let res = self
            .db
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE meetings SET starts_at = now() + make_interval(mins => $2::int),
                        ends_at = now() + make_interval(mins => $3::int)
                  WHERE id = $1",
                [
                    id.into(),
                    i32::try_from(start_min).expect("minutes").into(),
                    i32::try_from(end_min).expect("minutes").into(),
                ],
            ))
            .await
            .expect("moving the meeting");
        assert_eq!(res.rows_affected(), 1, "no meeting {meeting}");
    }

    /// Makes a booked session happen: its slot is moved to have ended a minute ago and both
    /// participants join through `GET /api/meetings/{id}/join` (inside the join window,
    /// which stays open `MEETING_JOIN_BUFFER_MINUTES` after the end).
    pub async fn hold_session(&self, meeting: &str, mentor: &str, student: &str) {
        self.shift_meeting(meeting, -46, -1).await;
        for token in [mentor, student] {
            let res = self
                .req(Method::GET, &format!("/api/meetings/{meeting}/join"))
                .bearer(token)
                .send()
                .await;
            assert_eq!(res.status, 200, "joining {meeting}: {}", res.text);
        }
    }
}

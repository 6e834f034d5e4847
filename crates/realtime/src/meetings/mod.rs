//! Meeting signalling on namespace `/` (the Socket.IO section of the API contract): rooms
//! named by meeting id, presence, WebRTC offer/answer/ICE relayed to one socket, media
//! toggles, chat, recording, timers, takeover and the end of a meeting.
//!
//! The crate knows nothing of meetings' storage: the application supplies a
//! [`MeetingAccess`] (who may enter a meeting's room, and where its log is written). The
//! socket's user data comes from the application's [`crate::Authenticator`] and must
//! deserialize as [`SocketUser`].

mod handlers;
mod signalling;

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex, PoisonError},
};

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::Realtime;

/// Who is behind a socket (the authenticator's user data).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SocketUser {
    /// User id.
    pub user_id: Uuid,
    /// Display name.
    pub full_name: String,
    /// Role (`USER`, `EXPERT`, `ADMIN`, ...).
    pub role: String,
    /// Whether the role is ADMIN or SUPERADMIN.
    pub admin: bool,
    /// The platform the token was issued for.
    pub platform_id: Uuid,
}

/// Why a meeting action is refused: sent as the ack `{ok:false, code, message}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// Stable snake_case code (`forbidden`, `not_found`, `invalid_payload`, ...).
    pub code: &'static str,
    /// Human-readable message.
    pub message: String,
}

impl Refusal {
    /// A refusal with this code and message.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// `forbidden`.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new("forbidden", message)
    }
}

/// Something that happened in a meeting's room, for its log.
#[derive(Debug, Clone, PartialEq)]
pub enum MeetingEvent {
    /// A participant joined the room.
    Joined,
    /// The first participant joined.
    Started,
    /// A participant ended the meeting.
    Ended,
    /// Recording started.
    RecordingStarted,
    /// Recording stopped.
    RecordingStopped,
    /// A chat message.
    Chat {
        /// Message id.
        id: Uuid,
        /// Text.
        text: String,
    },
}

/// The application's view of meetings.
pub trait MeetingAccess: Send + Sync + 'static {
    /// The meeting (as JSON for the `initialize-meeting` ack) if `user` may enter its room;
    /// a [`Refusal`] otherwise (`forbidden` for non-participants and other platforms).
    fn enter(
        &self,
        user: SocketUser,
        meeting_id: Uuid,
    ) -> BoxFuture<'static, Result<Value, Refusal>>;

    /// Writes an event to the meeting's log. `Started`/`Ended` answer whether this call made
    /// the transition (the first start, the first end); others answer `true`.
    fn record(
        &self,
        user: SocketUser,
        meeting_id: Uuid,
        at: DateTime<Utc>,
        event: MeetingEvent,
    ) -> BoxFuture<'static, anyhow::Result<bool>>;
}

/// The meeting rooms each local socket has joined (kept here because the socket's own
/// rooms are gone by the time disconnect handlers run).
#[derive(Default)]
struct Joined(Mutex<HashMap<String, HashSet<String>>>);

impl Joined {
    fn with<T>(&self, f: impl FnOnce(&mut HashMap<String, HashSet<String>>) -> T) -> T {
        f(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    fn add(&self, sid: &str, room: &str) {
        self.with(|m| m.entry(sid.to_owned()).or_default().insert(room.to_owned()));
    }

    fn remove(&self, sid: &str, room: &str) {
        self.with(|m| {
            if let Some(rooms) = m.get_mut(sid) {
                rooms.remove(room);
            }
        });
    }

    fn contains(&self, sid: &str, room: &str) -> bool {
        self.with(|m| m.get(sid).is_some_and(|r| r.contains(room)))
    }

    fn take(&self, sid: &str) -> HashSet<String> {
        self.with(|m| m.remove(sid).unwrap_or_default())
    }
}

/// The room of everyone online on a platform (for `get-online-users`).
fn platform_room(platform_id: Uuid) -> String {
    format!("platform:{platform_id}")
}

/// Shared state of the meeting handlers.
pub(crate) struct Meetings {
    rt: Realtime,
    access: Arc<dyn MeetingAccess>,
    joined: Joined,
}

/// Registers the meeting events on namespace `/` of `rt`.
pub fn register(rt: &Realtime, access: Arc<dyn MeetingAccess>) {
    let meetings = Arc::new(Meetings {
        rt: rt.clone(),
        access,
        joined: Joined::default(),
    });
    signalling::register(rt, &meetings);
    handlers::register(rt, meetings);
}

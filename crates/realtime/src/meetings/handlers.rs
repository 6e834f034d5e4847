//! Room lifecycle: initialize, join, leave, presence, takeover, chat, recording, timers, end.
//! Every event answers its ack with `{ok: true, ...}` or `{ok: false, code, message}`.

use std::{future::Future, sync::Arc};

use chrono::{Duration, Utc};
use serde::{Deserialize, de::DeserializeOwned};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{MeetingEvent, Meetings, Refusal, SocketUser, platform_room};
use crate::{AckSender, Realtime, Socket};

/// The result of one event handler.
pub(super) type Outcome = Result<Value, Refusal>;

/// Longest chat message, in characters.
const MAX_CHAT_CHARS: usize = 4000;
/// Longest timer, in seconds (a day).
const MAX_TIMER_SECS: i64 = 86_400;

fn reply(ack: Option<AckSender>, outcome: Outcome) {
    let Some(ack) = ack else { return };
    match outcome {
        Ok(Value::Object(mut body)) => {
            body.insert("ok".into(), Value::Bool(true));
            ack.reply(Value::Object(body));
        }
        Ok(_) => ack.reply(json!({"ok": true})),
        Err(r) => ack.reply(json!({"ok": false, "code": r.code, "message": r.message})),
    }
}

/// Registers `f` for `event`, answering the ack with its outcome.
pub(super) fn on<F, Fut>(rt: &Realtime, m: &Arc<Meetings>, event: &'static str, f: F)
where
    F: Fn(Arc<Meetings>, Socket, Vec<Value>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Outcome> + Send + 'static,
{
    let m = m.clone();
    let f = Arc::new(f);
    // The meeting events are JSON (CONTRACT.md): attachments, if any, are dropped and
    // their placeholders read as plain objects.
    rt.on("/", event, move |socket, args, ack| {
        let fut = f(m.clone(), socket, args.into_values());
        async move { reply(ack, fut.await) }
    });
}

/// The socket's user (set by the authenticator).
pub(super) fn user_of(socket: &Socket) -> Result<SocketUser, Refusal> {
    serde_json::from_value(socket.data().clone())
        .map_err(|_| Refusal::new("unauthorized", "this socket has no user"))
}

/// The event's first argument as `T`; a missing or malformed one names the problem.
pub(super) fn arg<T: DeserializeOwned>(args: &[Value]) -> Result<T, Refusal> {
    let value = args.first().cloned().unwrap_or(Value::Null);
    serde_json::from_value(value).map_err(|e| Refusal::new("invalid_payload", e.to_string()))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MeetingArg {
    meeting_id: Uuid,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RoomArg {
    pub room_id: Uuid,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChatArg {
    room_id: Uuid,
    text: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TimerArg {
    room_id: Uuid,
    duration_sec: i64,
}

impl Meetings {
    /// The users in a room on every node: `[{socketId, userId, fullName, role}]`.
    pub(super) async fn users(&self, room: &str) -> Result<Vec<Value>, Refusal> {
        let present = self.rt.presence(room).await.map_err(|e| {
            tracing::warn!(error = %e, room, "presence lookup failed");
            Refusal::new("unavailable", "presence is unavailable, try again")
        })?;
        let mut users: Vec<Value> = present
            .into_iter()
            .filter_map(|(sid, data)| {
                let u: SocketUser = serde_json::from_value(data).ok()?;
                Some(json!({"socketId": sid, "userId": u.user_id, "fullName": u.full_name, "role": u.role}))
            })
            .collect();
        users.sort_by(|a, b| a["socketId"].as_str().cmp(&b["socketId"].as_str()));
        Ok(users)
    }

    async fn announce_users(&self, room: &str) {
        if let Ok(users) = self.users(room).await {
            self.rt.to(room).emit(
                "room-users-updated",
                json!({"roomId": room, "users": users}),
            );
        }
    }

    /// The socket has joined `room` (a meeting room), else `forbidden`.
    pub(super) fn member(&self, socket: &Socket, room: Uuid) -> Result<String, Refusal> {
        let room = room.to_string();
        if self.joined.contains(socket.id(), &room) {
            Ok(room)
        } else {
            Err(Refusal::forbidden("join the meeting room first"))
        }
    }

    async fn log(
        &self,
        user: SocketUser,
        meeting: Uuid,
        event: MeetingEvent,
    ) -> Result<bool, Refusal> {
        self.access
            .record(user, meeting, Utc::now(), event)
            .await
            .map_err(|e| {
                tracing::warn!(error = %e, %meeting, "writing the meeting log failed");
                Refusal::new("unavailable", "the meeting log is unavailable, try again")
            })
    }
}

async fn initialize(m: Arc<Meetings>, socket: Socket, args: Vec<Value>) -> Outcome {
    let user = user_of(&socket)?;
    let MeetingArg { meeting_id } = arg(&args)?;
    let meeting = m.access.enter(user, meeting_id).await?;
    Ok(json!({"meeting": meeting}))
}

async fn join(m: Arc<Meetings>, socket: Socket, args: Vec<Value>) -> Outcome {
    let user = user_of(&socket)?;
    let RoomArg { room_id } = arg(&args)?;
    m.access.enter(user.clone(), room_id).await?;
    let room = room_id.to_string();
    socket.join(&room);
    m.joined.add(socket.id(), &room);
    let users = m.users(&room).await?;
    m.rt.to(&room).emit(
        "room-users-updated",
        json!({"roomId": room, "users": users}),
    );
    let started_at = Utc::now();
    let _ = m.log(user.clone(), room_id, MeetingEvent::Joined).await;
    if m.log(user, room_id, MeetingEvent::Started)
        .await
        .unwrap_or(false)
    {
        m.rt.to(&room).emit(
            "meeting-started",
            json!({"roomId": room, "startedAt": started_at}),
        );
    }
    Ok(json!({"users": users}))
}

async fn leave(m: Arc<Meetings>, socket: Socket, args: Vec<Value>) -> Outcome {
    let RoomArg { room_id } = arg(&args)?;
    let room = m.member(&socket, room_id)?;
    socket.leave(&room);
    m.joined.remove(socket.id(), &room);
    m.announce_users(&room).await;
    Ok(json!({}))
}

async fn online(m: Arc<Meetings>, socket: Socket, _args: Vec<Value>) -> Outcome {
    let user = user_of(&socket)?;
    let mut seen = std::collections::HashSet::new();
    let users: Vec<Value> = m
        .users(&platform_room(user.platform_id))
        .await?
        .into_iter()
        .filter(|u| seen.insert(u["userId"].to_string()))
        .map(|u| json!({"userId": u["userId"], "fullName": u["fullName"]}))
        .collect();
    Ok(json!({"users": users}))
}

async fn takeover(m: Arc<Meetings>, socket: Socket, args: Vec<Value>) -> Outcome {
    let user = user_of(&socket)?;
    let RoomArg { room_id } = arg(&args)?;
    m.access.enter(user.clone(), room_id).await?;
    let room = room_id.to_string();
    let mine = user.user_id.to_string();
    let older: Vec<String> = m
        .users(&room)
        .await?
        .into_iter()
        .filter(|u| u["userId"].as_str() == Some(mine.as_str()))
        .filter_map(|u| u["socketId"].as_str().map(str::to_owned))
        .filter(|sid| sid != socket.id())
        .collect();
    for sid in &older {
        m.rt.to(sid)
            .emit("connection-taken-over", json!({"roomId": room}));
        m.rt.to(sid).disconnect_sockets();
    }
    Ok(json!({"takenOver": older.len()}))
}

async fn chat(m: Arc<Meetings>, socket: Socket, args: Vec<Value>) -> Outcome {
    let user = user_of(&socket)?;
    let ChatArg { room_id, text } = arg(&args)?;
    let room = m.member(&socket, room_id)?;
    let text = text.trim().to_owned();
    if text.is_empty() || text.chars().count() > MAX_CHAT_CHARS {
        return Err(Refusal::new(
            "invalid_payload",
            format!("text: must be 1 to {MAX_CHAT_CHARS} characters"),
        ));
    }
    let id = Uuid::now_v7();
    let sent_at = Utc::now();
    let from = json!({"userId": user.user_id, "fullName": user.full_name});
    m.log(
        user,
        room_id,
        MeetingEvent::Chat {
            id,
            text: text.clone(),
        },
    )
    .await?;
    let message = json!({"id": id, "roomId": room, "from": from, "text": text, "sentAt": sent_at});
    m.rt.to(&room).emit("chat-message", &message);
    Ok(json!({"id": id}))
}

async fn recording(m: Arc<Meetings>, socket: Socket, args: Vec<Value>, start: bool) -> Outcome {
    let user = user_of(&socket)?;
    let RoomArg { room_id } = arg(&args)?;
    let room = m.member(&socket, room_id)?;
    let by = user.user_id;
    let event = if start {
        MeetingEvent::RecordingStarted
    } else {
        MeetingEvent::RecordingStopped
    };
    m.log(user, room_id, event).await?;
    let (name, field) = if start {
        ("recording-started", "startedAt")
    } else {
        ("recording-stopped", "stoppedAt")
    };
    m.rt.to(&room)
        .emit(name, json!({"roomId": room, "by": by, field: Utc::now()}));
    Ok(json!({}))
}

async fn timer_start(m: Arc<Meetings>, socket: Socket, args: Vec<Value>) -> Outcome {
    let TimerArg {
        room_id,
        duration_sec,
    } = arg(&args)?;
    let room = m.member(&socket, room_id)?;
    if !(1..=MAX_TIMER_SECS).contains(&duration_sec) {
        return Err(Refusal::new(
            "invalid_payload",
            format!("durationSec: must be 1 to {MAX_TIMER_SECS}"),
        ));
    }
    let ends_at = Utc::now() + Duration::seconds(duration_sec);
    m.rt.to(&room)
        .emit("timer-started", json!({"roomId": room, "endsAt": ends_at}));
    Ok(json!({"endsAt": ends_at}))
}

async fn timer_stop(m: Arc<Meetings>, socket: Socket, args: Vec<Value>) -> Outcome {
    let RoomArg { room_id } = arg(&args)?;
    let room = m.member(&socket, room_id)?;
    m.rt.to(&room)
        .emit("timer-stopped", json!({"roomId": room}));
    Ok(json!({}))
}

async fn end(m: Arc<Meetings>, socket: Socket, args: Vec<Value>) -> Outcome {
    let user = user_of(&socket)?;
    let RoomArg { room_id } = arg(&args)?;
    let room = m.member(&socket, room_id)?;
    let ended_at = Utc::now();
    if !m.log(user, room_id, MeetingEvent::Ended).await? {
        return Err(Refusal::new(
            "already_ended",
            "this meeting has already ended",
        ));
    }
    m.rt.to(&room).emit(
        "meeting-ended",
        json!({"roomId": room, "endedAt": ended_at}),
    );
    Ok(json!({"endedAt": ended_at}))
}

/// Registers every meeting event, and the connect/disconnect bookkeeping.
pub(super) fn register(rt: &Realtime, m: Arc<Meetings>) {
    on(rt, &m, "initialize-meeting", initialize);
    on(rt, &m, "join-room", join);
    on(rt, &m, "leave-room", leave);
    on(rt, &m, "get-online-users", online);
    on(rt, &m, "takeover-connection", takeover);
    on(rt, &m, "chat-message", chat);
    on(rt, &m, "start-recording", |m, s, a| {
        recording(m, s, a, true)
    });
    on(rt, &m, "stop-recording", |m, s, a| {
        recording(m, s, a, false)
    });
    on(rt, &m, "timer-start", timer_start);
    on(rt, &m, "timer-stop", timer_stop);
    on(rt, &m, "end-meeting", end);

    rt.on_connect("/", |socket| async move {
        if let Ok(user) = user_of(&socket) {
            socket.join(&platform_room(user.platform_id));
        }
    });
    let on_lost = m.clone();
    rt.on_presence_lost(move |nsp, room| {
        let m = on_lost.clone();
        async move {
            if nsp == "/" && room.parse::<Uuid>().is_ok() {
                m.announce_users(&room).await;
            }
        }
    });
    let on_leave = m.clone();
    rt.on_disconnect("/", move |socket, _reason| {
        let m = on_leave.clone();
        async move {
            for room in m.joined.take(socket.id()) {
                m.announce_users(&room).await;
            }
        }
    });
}

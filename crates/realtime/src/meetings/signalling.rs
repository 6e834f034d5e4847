//! WebRTC signalling relayed to one socket (`offer`, `answer`, `ice-candidate`: the SDP or
//! candidate passes unchanged, any JSON value) and media toggles sent to the rest of a room.
//! A socket may signal only a socket that shares one of its meeting rooms, on any node.

use std::sync::Arc;

use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use super::{
    Meetings, Refusal,
    handlers::{Outcome, arg, on, user_of},
};
use crate::{Realtime, Socket};

#[derive(Deserialize)]
struct RelayArg {
    to: String,
    #[serde(default)]
    sdp: Option<Value>,
    #[serde(default)]
    candidate: Option<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ToggleArg {
    room_id: Uuid,
    enabled: bool,
}

impl Meetings {
    /// Whether `target` is in one of the meeting rooms `socket` has joined.
    async fn shares_room(&self, socket: &Socket, target: &str) -> Result<bool, Refusal> {
        let rooms: Vec<String> = self
            .joined
            .with(|m| m.get(socket.id()).cloned().unwrap_or_default())
            .into_iter()
            .collect();
        for room in rooms {
            let users = self.users(&room).await?;
            if users.iter().any(|u| u["socketId"].as_str() == Some(target)) {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// `offer`/`answer` carry `sdp`, `ice-candidate` carries `candidate`.
async fn relay(m: Arc<Meetings>, socket: Socket, args: Vec<Value>, event: &'static str) -> Outcome {
    let RelayArg { to, sdp, candidate } = arg(&args)?;
    let (field, value) = if event == "ice-candidate" {
        ("candidate", candidate)
    } else {
        ("sdp", sdp)
    };
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return Err(Refusal::new(
            "invalid_payload",
            format!("{field}: is required"),
        ));
    };
    if to == socket.id() || !m.shares_room(&socket, &to).await? {
        return Err(Refusal::forbidden("the target is not in your meeting room"));
    }
    m.rt.to(&to)
        .emit(event, json!({"from": socket.id(), field: value}));
    Ok(json!({}))
}

async fn toggle(
    m: Arc<Meetings>,
    socket: Socket,
    args: Vec<Value>,
    event: &'static str,
) -> Outcome {
    let user = user_of(&socket)?;
    let ToggleArg { room_id, enabled } = arg(&args)?;
    let room = m.member(&socket, room_id)?;
    socket.to(&room).emit(
        event,
        json!({"socketId": socket.id(), "userId": user.user_id, "enabled": enabled}),
    );
    Ok(json!({}))
}

/// Registers the relay and toggle events.
pub(super) fn register(rt: &Realtime, m: &Arc<Meetings>) {
    on(rt, m, "offer", |m, s, a| relay(m, s, a, "offer"));
    on(rt, m, "answer", |m, s, a| relay(m, s, a, "answer"));
    on(rt, m, "ice-candidate", |m, s, a| {
        relay(m, s, a, "ice-candidate")
    });
    on(rt, m, "audio-toggle", |m, s, a| {
        toggle(m, s, a, "audio-toggle")
    });
    on(rt, m, "video-toggle", |m, s, a| {
        toggle(m, s, a, "video-toggle")
    });
}

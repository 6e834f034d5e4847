//! Real time as the gateway wires it: the Socket.IO server with the Redis adapter, the
//! CONNECT check (identity's access tokens), the meeting events backed by Mr. Mentor's
//! public API (`mentorship::service::live`), the per-user room and the push of comms'
//! notifications ([`UserPush`]), and the terminal relay. The realtime crate depends on
//! neither identity, mentorship nor comms: they meet here.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use kernel::AppContext;
use mentorship::{
    Mentorship, MentorshipError,
    service::live::{self, JoinPolicy, LiveEvent},
};
use realtime::{
    ConnectRefusal, ConnectRequest, Realtime, RealtimeConfig, RealtimeOptions,
    adapter::Adapter,
    meetings::{MeetingAccess, MeetingEvent, Refusal, SocketUser},
    terminal::{RelayOptions, Terminal},
};
use sea_orm::{DatabaseConnection, TransactionTrait};
use serde_json::Value;
use uuid::Uuid;

/// Checks the CONNECT auth payload `{token}`: a valid access token of an existing, active
/// user whose password has not changed since; the socket's data is its [`SocketUser`].
async fn authenticate(ctx: AppContext, req: ConnectRequest) -> Result<Value, ConnectRefusal> {
    let refuse = |why: &str| {
        tracing::debug!(why, "socket CONNECT refused");
        ConnectRefusal::unauthorized()
    };
    let token = req
        .auth
        .get("token")
        .and_then(Value::as_str)
        .ok_or_else(|| refuse("no token"))?;
    let claims = ctx.jwt.verify(token).map_err(|_| refuse("invalid token"))?;
    let tenant = ctx
        .tenants
        .resolve(&ctx.db, Some(&claims.plat))
        .await
        .map_err(|_| refuse("unknown platform"))?;
    let user = identity::service::users::find_in(&ctx.db, &tenant, claims.sub)
        .await
        .map_err(|_| refuse("no such user"))?;
    let current = kernel::auth::admit(
        claims.iat,
        Some(identity::service::users::current_of(&user)),
    )
    .map_err(|_| refuse("suspended, or the token is older than a password change"))?;
    let data = SocketUser {
        user_id: user.id,
        full_name: user.full_name,
        role: identity::service::users::role_str(current.role).to_owned(),
        admin: current.role.is_admin(),
        platform_id: tenant.id,
    };
    serde_json::to_value(data).map_err(|_| refuse("encoding the user"))
}

/// Meetings through Mr. Mentor's public API.
struct Meetings {
    db: DatabaseConnection,
    policy: JoinPolicy,
}

impl MeetingAccess for Meetings {
    fn enter(&self, user: SocketUser, meeting: Uuid) -> BoxFuture<'static, Result<Value, Refusal>> {
        let db = self.db.clone();
        Box::pin(async move {
            match live::enter(&db, user.platform_id, user.user_id, user.admin, meeting).await {
                Ok(m) => serde_json::to_value(m)
                    .map_err(|_| Refusal::new("unavailable", "encoding the meeting failed")),
                Err(MentorshipError::NotFound(_)) => Err(Refusal::forbidden(
                    "you are not a participant of this meeting",
                )),
                // a meeting in a state that refuses entry (cancelled): its registered code
                Err(err @ MentorshipError::MeetingCancelled) => {
                    Err(Refusal::new(err.code().code, err.to_string()))
                }
                Err(err) => {
                    tracing::warn!(error = %err, %meeting, "meeting lookup failed");
                    Err(Refusal::new(
                        "unavailable",
                        "meetings are unavailable, try again",
                    ))
                }
            }
        })
    }

    fn record(
        &self,
        user: SocketUser,
        meeting: Uuid,
        at: DateTime<Utc>,
        event: MeetingEvent,
    ) -> BoxFuture<'static, anyhow::Result<bool>> {
        let db = self.db.clone();
        let policy = self.policy;
        Box::pin(async move {
            let event = match event {
                MeetingEvent::Joined => LiveEvent::Joined,
                MeetingEvent::Started => LiveEvent::Started,
                MeetingEvent::Ended => LiveEvent::Ended,
                MeetingEvent::RecordingStarted => LiveEvent::RecordingStarted,
                MeetingEvent::RecordingStopped => LiveEvent::RecordingStopped,
                MeetingEvent::Chat { id, text } => LiveEvent::Chat { id, text },
            };
            let txn = db.begin().await?;
            let changed = live::record(&txn, policy, meeting, user.user_id, at, &event).await?;
            txn.commit().await?;
            Ok(changed)
        })
    }
}

/// The Socket.IO server of this process: Redis fan-out and presence under the process's
/// key prefix, the CONNECT check, the meeting events.
pub async fn realtime(
    ctx: &AppContext,
    config: &RealtimeConfig,
    mentorship: &Mentorship,
) -> anyhow::Result<Realtime> {
    let adapter = Adapter::redis_from_context(ctx, config).await?;
    let auth_ctx = ctx.clone();
    let rt = Realtime::builder(RealtimeOptions::from_config(&ctx.config, config))
        .adapter(adapter)
        .authenticator(move |req| authenticate(auth_ctx.clone(), req))
        .metrics(&ctx.metrics.registry)
        .build()?;
    realtime::meetings::register(
        &rt,
        Arc::new(Meetings {
            db: ctx.db.clone(),
            policy: mentorship.join_policy(),
        }),
    );
    rt.on_connect("/", |socket| async move {
        if let Ok(user) = serde_json::from_value::<SocketUser>(socket.data().clone()) {
            socket.join(&user_room(user.platform_id, user.user_id));
        }
    });
    Ok(rt)
}

/// The room of one user's sockets (every authenticated socket joins it on connect).
pub fn user_room(platform_id: Uuid, user_id: Uuid) -> String {
    format!("user:{platform_id}:{user_id}")
}

/// Comms' [`comms::LivePush`] over the Socket.IO server: an emit to the user's room, which
/// the Redis adapter carries to every replica.
#[derive(Clone)]
pub struct UserPush(pub Realtime);

impl comms::LivePush for UserPush {
    fn to_user(&self, platform_id: Uuid, user_id: Uuid, event: &str, payload: Value) {
        self.0
            .to(&user_room(platform_id, user_id))
            .emit(event, payload);
    }
}

/// The terminal relay of this process.
pub fn terminal(ctx: &AppContext, config: &RealtimeConfig) -> anyhow::Result<Terminal> {
    Ok(Terminal::new(
        &ctx.config,
        RelayOptions::from_config(config),
        &ctx.metrics.registry,
    )?)
}

//! `POST /api/terminal-session` (tokens) and `GET /ws/terminal/{session_id}` (the relay).

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use kernel::routes::ServiceConfig;
use kernel::{
    AppContext, AppError,
    auth::{AuthUser, Role},
    error::AppResult,
    extract::ValidJson,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::{Grant, SESSION_TTL_SECS, TOKEN_TTL_SECS, Terminal, TerminalRole};

/// Open a session (no `session_id`) or get a viewer token for one.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
pub struct SessionRequest {
    /// An existing session to view.
    #[schema(schema_with = optional_uuid)]
    pub session_id: Option<Uuid>,
}

/// A UUID or null, spelled `anyOf` (with `type: [string, null]` Schemathesis ignores the
/// format and takes `""` for a valid value).
fn optional_uuid() -> utoipa::openapi::Schema {
    use utoipa::openapi::{
        KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type, schema::AnyOfBuilder,
    };
    Schema::AnyOf(
        AnyOfBuilder::new()
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid))),
            )
            .item(ObjectBuilder::new().schema_type(Type::Null))
            .description(Some("An existing session to view."))
            .build(),
    )
}

/// Tokens of a terminal session (each valid for 60 seconds, to open the WebSocket).
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionTokens {
    /// The session.
    pub session_id: Uuid,
    /// Opens the producer end (the owner only, for a new session or their own).
    pub producer_token: Option<String>,
    /// Opens a viewer end.
    pub viewer_token: String,
    /// When the tokens expire.
    pub expires_at: DateTime<Utc>,
    /// Path of the WebSocket (`/ws/terminal/{session_id}`), to call with `?token=`.
    pub path: String,
}

fn owner_key(ctx: &AppContext, session: Uuid) -> String {
    ctx.redis_key(&format!("terminal:owner:{session}"))
}

async fn redis(ctx: &AppContext) -> Result<deadpool_redis::Connection, AppError> {
    ctx.redis
        .get()
        .await
        .map_err(|e| AppError::Unexpected(anyhow::Error::new(e).context("Redis for terminal")))
}

/// Issues relay tokens.
#[utoipa::path(tag = "realtime", security(("bearer" = [])), request_body = SessionRequest,
    responses((status = 201, body = SessionTokens), (status = 403, body = kernel::error::Problem),
        (status = 404, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[post("/api/terminal-session")]
pub async fn issue(
    user: AuthUser,
    ctx: web::Data<AppContext>,
    terminal: web::Data<Terminal>,
    body: ValidJson<SessionRequest>,
) -> AppResult<HttpResponse> {
    let mut conn = redis(&ctx).await?;
    let owner_value = format!("{}:{}", user.tenant.id, user.id);
    let (session, owner) = match body.into_inner().session_id {
        None => {
            let session = kernel::ids::new_id();
            let _: () = redis::cmd("SET")
                .arg(owner_key(&ctx, session))
                .arg(&owner_value)
                .arg("EX")
                .arg(SESSION_TTL_SECS)
                .query_async(&mut conn)
                .await
                .map_err(|e| AppError::Unexpected(e.into()))?;
            (session, true)
        }
        Some(session) => {
            let stored: Option<String> = redis::cmd("GET")
                .arg(owner_key(&ctx, session))
                .query_async(&mut conn)
                .await
                .map_err(|e| AppError::Unexpected(e.into()))?;
            let Some(stored) = stored.filter(|s| s.starts_with(&user.tenant.id.to_string())) else {
                return Err(AppError::not_found("no such terminal session"));
            };
            let owner = stored == owner_value;
            if !(owner || user.role.is_admin() || user.role == Role::Expert) {
                return Err(AppError::forbidden(
                    "only the owner, mentors and admins may view this terminal",
                ));
            }
            (session, owner)
        }
    };
    let exp = Utc::now().timestamp() + TOKEN_TTL_SECS;
    let token = |role| {
        terminal.signer.sign(&Grant {
            session,
            role,
            user: user.id,
            exp,
        })
    };
    Ok(HttpResponse::Created().json(SessionTokens {
        session_id: session,
        producer_token: owner.then(|| token(TerminalRole::Producer)),
        viewer_token: token(TerminalRole::Viewer),
        expires_at: DateTime::from_timestamp(exp, 0).unwrap_or_else(Utc::now),
        path: format!("/ws/terminal/{session}"),
    }))
}

/// The relay token.
#[derive(Debug, Deserialize, IntoParams)]
pub struct TokenQuery {
    /// A token from `POST /api/terminal-session`.
    pub token: Option<String>,
}

/// The relay WebSocket (public by design: the signed token in the query is the credential).
#[utoipa::path(tag = "realtime", params(TokenQuery),
    responses((status = 101, description = "WebSocket"), (status = 401, description = "`invalid_token`", body = kernel::error::Problem),
        (status = 409, description = "`producer_connected`", body = kernel::error::Problem)))]
#[get("/ws/terminal/{session_id}")]
pub async fn connect(
    req: HttpRequest,
    body: web::Payload,
    terminal: web::Data<Terminal>,
    session: web::Path<Uuid>,
    query: web::Query<TokenQuery>,
) -> AppResult<HttpResponse> {
    let session = session.into_inner();
    let grant = query
        .token
        .as_deref()
        .and_then(|t| terminal.signer.verify(t, Utc::now().timestamp()))
        .filter(|g| g.session == session)
        .ok_or_else(|| {
            AppError::new(
                &kernel::error::codes::INVALID_TOKEN,
                "the terminal token is missing, expired or for another session",
            )
        })?;
    Ok(terminal.relay.serve(&req, body, session, grant.role))
}

/// Mounts the two routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(issue).service(connect);
}

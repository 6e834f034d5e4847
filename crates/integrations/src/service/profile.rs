//! Assembling the student profile: who may see it (an ADMIN or SUPERADMIN of the platform,
//! or the user themself; anyone else 403), the subject section (404 `profile_not_found`
//! when the user is not on the caller's platform), then every other registered section.

use std::collections::BTreeMap;

use chrono::Utc;
use kernel::{AppError, auth::AuthUser};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::{
    IntegrationsError,
    dto::profile::StudentProfile,
    profile::{ProfileSections, Subject, Viewer},
};

/// The profile's shape version (2: the LMS's `engagement` and `risk` sections).
pub const PROFILE_VERSION: u32 = 2;

/// How long an assembled profile is served from Redis.
pub const PROFILE_CACHE_SECS: u64 = 60;

/// [`load`] through a short Redis cache per platform, user and viewer (the access check runs
/// first on every call; without Redis the profile is assembled each time).
pub async fn load_cached(
    ctx: &kernel::AppContext,
    sections: &ProfileSections,
    caller: &AuthUser,
    user_id: Uuid,
) -> Result<StudentProfile, IntegrationsError> {
    let viewer = viewer_of(caller, user_id)?;
    let key = ctx.redis_key(&format!(
        "ai:profile:v{PROFILE_VERSION}:{}:{user_id}:{}",
        caller.tenant.id,
        match viewer {
            Viewer::Admin => "admin",
            Viewer::Themself => "self",
        }
    ));
    if let Ok(mut conn) = ctx.redis.get().await {
        let hit: Option<String> = redis::cmd("GET")
            .arg(&key)
            .query_async(&mut conn)
            .await
            .unwrap_or(None);
        if let Some(found) = hit.and_then(|h| serde_json::from_str::<StudentProfile>(&h).ok()) {
            return Ok(found);
        }
    }
    let profile = load(&ctx.db, sections, caller, user_id).await?;
    if let (Ok(mut conn), Ok(text)) = (ctx.redis.get().await, serde_json::to_string(&profile)) {
        let _: Result<(), _> = redis::cmd("SET")
            .arg(&key)
            .arg(text)
            .arg("EX")
            .arg(PROFILE_CACHE_SECS)
            .query_async(&mut conn)
            .await;
    }
    Ok(profile)
}

fn viewer_of(caller: &AuthUser, user_id: Uuid) -> Result<Viewer, IntegrationsError> {
    if caller.role.is_admin() {
        Ok(Viewer::Admin)
    } else if caller.id == user_id {
        Ok(Viewer::Themself)
    } else {
        Err(AppError::forbidden("only an admin or the user themself").into())
    }
}

/// The profile of `user_id` on the caller's platform.
#[tracing::instrument(skip_all, fields(%user_id))]
pub async fn load(
    db: &DatabaseConnection,
    sections: &ProfileSections,
    caller: &AuthUser,
    user_id: Uuid,
) -> Result<StudentProfile, IntegrationsError> {
    let viewer = viewer_of(caller, user_id)?;
    let subject = Subject {
        db,
        tenant: caller.tenant.as_ref(),
        user_id,
        viewer,
    };
    let main = sections.subject();
    let who = main
        .load(subject)
        .await?
        .ok_or(IntegrationsError::ProfileNotFound)?;
    let mut out = BTreeMap::new();
    out.insert(main.name().to_owned(), who);
    for section in sections.others() {
        if let Some(value) = section.load(subject).await? {
            out.insert(section.name().to_owned(), value);
        }
    }
    Ok(StudentProfile {
        user_id,
        version: PROFILE_VERSION,
        generated_at: Utc::now(),
        sections: out,
    })
}

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

/// The profile of `user_id` on the caller's platform.
#[tracing::instrument(skip_all, fields(%user_id))]
pub async fn load(
    db: &DatabaseConnection,
    sections: &ProfileSections,
    caller: &AuthUser,
    user_id: Uuid,
) -> Result<StudentProfile, IntegrationsError> {
    let viewer = if caller.role.is_admin() {
        Viewer::Admin
    } else if caller.id == user_id {
        Viewer::Themself
    } else {
        return Err(AppError::forbidden("only an admin or the user themself").into());
    };
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
        generated_at: Utc::now(),
        sections: out,
    })
}

//! The student profile's sections for AI agents (`integrations::profile`), collected here
//! because the gateway is the one crate that sees every owner: `user` comes from identity
//! (the subject: a user not on the caller's platform is a 404), `mentorship` and `tokens`
//! from their crates, `enrollments` and `quizzes` from the LMS, `placement` from Mr. Hire.

use std::sync::Arc;

use identity::{error::IdentityError, service::users};
use integrations::{
    dto::profile::UserSection,
    profile::{ProfileSection, ProfileSections, SectionFuture, Subject, Viewer, mask_email},
};
use kernel::AppError;
use serde::Serialize;

/// Every registered section.
pub fn sections() -> ProfileSections {
    ProfileSections::new(Arc::new(UserProfile))
        .with(Arc::new(mentorship::profile::MentorshipProfile))
        .with(Arc::new(tokens::profile::TokensProfile))
        .with(Arc::new(lms::profile::EnrollmentsProfile))
        .with(Arc::new(lms::profile::QuizzesProfile))
        .with(Arc::new(hire::profile::PlacementProfile))
        .with(Arc::new(lms::profile::EngagementProfile))
        .with(Arc::new(lms::profile::RiskProfile))
}

/// The `user` section (identity).
#[derive(Debug, Clone, Copy)]
pub struct UserProfile;

fn text(value: impl Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

impl ProfileSection for UserProfile {
    fn name(&self) -> &'static str {
        "user"
    }

    fn load<'a>(&'a self, subject: Subject<'a>) -> SectionFuture<'a> {
        Box::pin(async move {
            let user = match users::find_in(subject.db, subject.tenant, subject.user_id).await {
                Ok(user) => user,
                Err(IdentityError::NotFound(_)) => return Ok(None),
                Err(e) => return Err(AppError::from(e)),
            };
            let email = match subject.viewer {
                Viewer::Admin => user.email.clone(),
                Viewer::Themself => mask_email(&user.email),
            };
            let section = UserSection {
                id: user.id,
                full_name: user.full_name,
                email,
                role: text(user.role),
                status: text(user.status),
                created_at: user.created_at,
                last_login_at: user.last_login_at,
            };
            serde_json::to_value(section)
                .map(Some)
                .map_err(|e| AppError::Unexpected(e.into()))
        })
    }
}

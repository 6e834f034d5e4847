//! The consolidated student profile for AI agents (`GET /api/ai/student-profile/{user_id}`)
//! is assembled from sections that the crates owning the data register: integrations is a
//! platform crate and imports no domain crate, so each domain implements [`ProfileSection`]
//! and the gateway collects them in one [`ProfileSections`] (registered once as app data).
//!
//! Registered today: `user` (the subject: the gateway, from identity), `mentorship`
//! (mentorship) and `tokens` (tokens); the LMS's `enrollments`, `quizzes`, `engagement` and
//! `risk`, each with one `.with(..)` line in the gateway and its section type in
//! `dto::profile`.

use std::{future::Future, pin::Pin, sync::Arc};

use kernel::{AppError, tenant::Tenant};
use sea_orm::DatabaseConnection;
use serde_json::Value;
use uuid::Uuid;

/// Who is looking: decides what personal data a section shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    /// An ADMIN or SUPERADMIN of the platform (sees contact details).
    Admin,
    /// The user themself (the answer may be forwarded to an outside LLM on their behalf, so
    /// contact details are masked).
    Themself,
}

/// Whose profile, on which platform, for whom.
#[derive(Clone, Copy)]
pub struct Subject<'a> {
    /// The pool.
    pub db: &'a DatabaseConnection,
    /// The platform (every section filters by it).
    pub tenant: &'a Tenant,
    /// The user.
    pub user_id: Uuid,
    /// The viewer.
    pub viewer: Viewer,
}

/// What a section's load returns.
pub type SectionFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Option<Value>, AppError>> + Send + 'a>>;

/// One named part of the profile, loaded by the crate that owns its data.
pub trait ProfileSection: Send + Sync {
    /// The section's key in `sections` (snake_case, unique).
    fn name(&self) -> &'static str;
    /// The section of `subject` (`None`: the user is unknown to this section; for the
    /// subject section that means 404).
    fn load<'a>(&'a self, subject: Subject<'a>) -> SectionFuture<'a>;
}

/// The registered sections: the subject section (says whether the user exists on the
/// platform) and the others, in order.
#[derive(Clone)]
pub struct ProfileSections {
    subject: Arc<dyn ProfileSection>,
    others: Vec<Arc<dyn ProfileSection>>,
}

impl std::fmt::Debug for ProfileSections {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}

impl ProfileSections {
    /// Sections starting with the subject section.
    pub fn new(subject: Arc<dyn ProfileSection>) -> Self {
        Self {
            subject,
            others: Vec::new(),
        }
    }

    /// Adds a section.
    #[must_use]
    pub fn with(mut self, section: Arc<dyn ProfileSection>) -> Self {
        self.others.push(section);
        self
    }

    /// Every section's name, the subject's first.
    pub fn names(&self) -> Vec<&'static str> {
        std::iter::once(self.subject.name())
            .chain(self.others.iter().map(|s| s.name()))
            .collect()
    }

    /// The subject section.
    pub fn subject(&self) -> &Arc<dyn ProfileSection> {
        &self.subject
    }

    /// The other sections.
    pub fn others(&self) -> &[Arc<dyn ProfileSection>] {
        &self.others
    }
}

/// `a***@example.com`: the first character of the local part and the domain.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_keep_only_a_hint() {
        assert_eq!(mask_email("asha@example.com"), "a***@example.com");
        assert_eq!(mask_email("nobody"), "***");
    }
}

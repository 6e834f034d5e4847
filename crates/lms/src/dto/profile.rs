//! Bodies of the student's profile and documents.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::entities::student_documents::{self, DocumentKind};

/// Changes to the caller's profile; absent fields stay as they are, an empty string clears
/// one.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
pub struct ProfileUpdate {
    /// One-line headline.
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub headline: Option<String>,
    /// Learning goals.
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub goals: Option<String>,
    /// Education.
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub education: Option<String>,
    /// IANA time zone (`Asia/Kolkata`).
    #[validate(length(max = 64))]
    #[schema(max_length = 64)]
    pub timezone: Option<String>,
    /// LinkedIn profile (`https://www.linkedin.com/in/…`).
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    pub linkedin_url: Option<String>,
    /// GitHub profile (`https://github.com/…`).
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    pub github_url: Option<String>,
}

/// The student's profile: name and email from the account, the rest the LMS's own.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProfileDto {
    /// The user.
    pub user_id: Uuid,
    /// Name (from the account).
    pub full_name: String,
    /// Email (from the account).
    pub email: String,
    /// Headline.
    pub headline: Option<String>,
    /// Learning goals.
    pub goals: Option<String>,
    /// Education.
    pub education: Option<String>,
    /// IANA time zone.
    pub timezone: Option<String>,
    /// LinkedIn profile.
    pub linkedin_url: Option<String>,
    /// GitHub profile.
    pub github_url: Option<String>,
    /// Last change of the LMS fields.
    pub updated_at: Option<DateTime<Utc>>,
}

/// Registers an uploaded file as one of the caller's documents.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct NewDocument {
    /// Storage key of an uploaded object of this platform.
    #[validate(length(min = 1, max = 1024))]
    #[schema(min_length = 1, max_length = 1024)]
    pub storage_key: String,
    /// Display name.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// What it is.
    pub kind: DocumentKind,
}

/// A student's document.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DocumentDto {
    /// Id.
    pub id: Uuid,
    /// Owner.
    pub user_id: Uuid,
    /// What it is.
    pub kind: DocumentKind,
    /// Display name.
    pub name: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// Media type.
    pub content_type: String,
    /// Short-lived signed download URL.
    pub url: Option<String>,
    /// Registered.
    pub created_at: DateTime<Utc>,
}

impl From<student_documents::Model> for DocumentDto {
    fn from(d: student_documents::Model) -> Self {
        Self {
            id: d.id,
            user_id: d.user_id,
            kind: d.kind,
            name: d.name,
            size_bytes: d.size_bytes,
            content_type: d.content_type,
            url: None,
            created_at: d.created_at,
        }
    }
}

/// A student's documents, newest first.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DocumentList {
    /// Documents.
    pub items: Vec<DocumentDto>,
    /// Always null (a student has few documents).
    pub next_cursor: Option<String>,
}

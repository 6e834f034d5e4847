//! Request and response bodies of the identity routes (the contract's Identity, Admin
//! essentials and Vendor sections).

use chrono::{DateTime, Utc};
use kernel::auth::{Capability, Role};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::{Validate, ValidationError};

use crate::{
    entities::{
        audit_log,
        users::{self, UserStatus},
        vendors,
    },
    service::users::{caps_of, role_of},
};

/// `POST /api/auth/signup`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct SignupRequest {
    /// Email address (case-insensitive; unique per platform; surrounding spaces ignored).
    #[serde(deserialize_with = "trimmed")]
    #[validate(email, length(max = 254))]
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    /// At least 8 characters, not the email, not a well-known password, letters mixed with
    /// digits or symbols.
    #[validate(length(min = 1, max = 1024))]
    #[schema(min_length = 1, max_length = 1024)]
    pub password: String,
    /// Display name.
    #[validate(custom(function = "valid_not_blank"), length(max = 200))]
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"[^\t\n\x0B\f\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    pub full_name: String,
    /// Phone number (digits, spaces, `+ - ( )`; 7 to 15 digits).
    #[validate(custom(function = "valid_phone"))]
    #[schema(pattern = r"^[ +()-]*([0-9][ +()-]*){7,15}$")]
    pub phone: Option<String>,
}

/// `POST /api/auth/login`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct LoginRequest {
    /// Email address.
    #[validate(length(min = 1, max = 254))]
    #[schema(min_length = 1, max_length = 254)]
    pub email: String,
    /// Password.
    #[validate(length(min = 1, max = 1024))]
    #[schema(min_length = 1, max_length = 1024)]
    pub password: String,
}

/// `POST /api/auth/refresh` and `POST /api/auth/logout`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct RefreshRequest {
    /// The refresh token of the last pair.
    #[validate(length(min = 1, max = 512))]
    #[schema(min_length = 1, max_length = 512)]
    pub refresh_token: String,
}

/// `POST /api/auth/otp/request` and `POST /api/auth/password/forgot`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct EmailRequest {
    /// Email address.
    #[serde(deserialize_with = "trimmed")]
    #[validate(email, length(max = 254))]
    #[schema(format = Email, max_length = 254)]
    pub email: String,
}

/// `POST /api/auth/otp/verify`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct OtpVerifyRequest {
    /// Email address the code was sent to.
    #[serde(deserialize_with = "trimmed")]
    #[validate(email, length(max = 254))]
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    /// The 6-digit code.
    #[validate(length(min = 1, max = 12))]
    #[schema(min_length = 1, max_length = 12)]
    pub code: String,
}

/// `POST /api/auth/password/reset`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct ResetPasswordRequest {
    /// The `token` of the emailed link.
    #[validate(length(min = 1, max = 512))]
    #[schema(min_length = 1, max_length = 512)]
    pub token: String,
    /// The new password (same rules as signup).
    #[validate(length(min = 1, max = 1024))]
    #[schema(min_length = 1, max_length = 1024)]
    pub password: String,
}

/// `POST /api/auth/password/change`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct ChangePasswordRequest {
    /// The current password (empty for an account that has none yet).
    #[serde(default)]
    #[validate(length(max = 1024))]
    #[schema(max_length = 1024)]
    pub current_password: String,
    /// The new password (same rules as signup).
    #[validate(length(min = 1, max = 1024))]
    #[schema(min_length = 1, max_length = 1024)]
    pub new_password: String,
}

/// `PATCH /api/auth/me`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct UpdateMeRequest {
    /// New display name.
    #[validate(custom(function = "valid_not_blank"), length(max = 200))]
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"[^\t\n\x0B\f\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    pub full_name: Option<String>,
    /// New phone number (7 to 15 digits); `null` keeps it, `""` removes it.
    #[validate(custom(function = "valid_phone_or_empty"))]
    #[schema(pattern = r"^$|^[ +()-]*([0-9][ +()-]*){7,15}$")]
    pub phone: Option<String>,
}

/// A user as the contract shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserDto {
    /// Id.
    pub id: Uuid,
    /// Email (lowercased).
    pub email: String,
    /// Display name.
    pub full_name: String,
    /// Role.
    pub role: Role,
    /// Capability flags.
    pub capabilities: Vec<Capability>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

impl From<&users::Model> for UserDto {
    fn from(m: &users::Model) -> Self {
        Self {
            id: m.id,
            email: m.email.clone(),
            full_name: m.full_name.clone(),
            role: role_of(m),
            capabilities: caps_of(m),
            created_at: m.created_at,
        }
    }
}

/// A signed-in session: the user and a token pair.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuthResponse {
    /// The user.
    pub user: UserDto,
    /// JWT access token (`Authorization: Bearer …`).
    pub access_token: String,
    /// Opaque refresh token; single use (each refresh returns a new one).
    pub refresh_token: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
}

/// `GET /api/auth/me`.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeDto {
    /// Id.
    pub id: Uuid,
    /// Email.
    pub email: String,
    /// Display name.
    pub full_name: String,
    /// Current role.
    pub role: Role,
    /// Current capability flags.
    pub capabilities: Vec<Capability>,
    /// Platform slug.
    pub platform: String,
}

/// A user as admins see them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AdminUserDto {
    /// Id.
    pub id: Uuid,
    /// Email.
    pub email: String,
    /// Display name.
    pub full_name: String,
    /// Phone.
    pub phone: Option<String>,
    /// Role.
    pub role: Role,
    /// Capability flags.
    pub capabilities: Vec<Capability>,
    /// `active` or `suspended`.
    pub status: UserStatus,
    /// Whether the email address was proven.
    pub email_verified: bool,
    /// Whether the account has a password (else OTP/Google only).
    pub has_password: bool,
    /// Last sign-in.
    pub last_login_at: Option<DateTime<Utc>>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<&users::Model> for AdminUserDto {
    fn from(m: &users::Model) -> Self {
        Self {
            id: m.id,
            email: m.email.clone(),
            full_name: m.full_name.clone(),
            phone: m.phone.clone(),
            role: role_of(m),
            capabilities: caps_of(m),
            status: m.status,
            email_verified: m.email_verified_at.is_some(),
            has_password: m.password_hash.is_some(),
            last_login_at: m.last_login_at,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// `GET /api/admin/users` filters.
#[derive(Debug, Default, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserFilter {
    /// Matches email, name or phone (case-insensitive substring).
    #[validate(length(min = 1, max = 200))]
    #[param(min_length = 1, max_length = 200)]
    pub q: Option<String>,
    /// Only this role.
    pub role: Option<Role>,
    /// Only users with this capability flag.
    pub capability: Option<Capability>,
    /// `active` or `suspended`.
    #[param(inline)]
    pub status: Option<UserStatus>,
    /// Page size, 1-100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    #[param(max_length = 2048)]
    pub cursor: Option<String>,
}

/// `PATCH /api/admin/users/{id}`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAccessRequest {
    /// New role (granting or changing ADMIN/SUPERADMIN needs a SUPERADMIN).
    pub role: Option<Role>,
    /// The complete new set of capability flags.
    pub capabilities: Option<Vec<Capability>>,
}

/// `POST /api/admin/users/{id}/suspend`.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
pub struct SuspendRequest {
    /// Why (kept in the audit log).
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    pub reason: Option<String>,
}

/// One audit-log entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryDto {
    /// Id.
    pub id: Uuid,
    /// Who (null: the system).
    pub actor_id: Option<Uuid>,
    /// What.
    pub action: String,
    /// Kind of target.
    pub target_type: String,
    /// Target id.
    pub target_id: String,
    /// The changed fields before.
    pub before: Option<serde_json::Value>,
    /// The changed fields after.
    pub after: Option<serde_json::Value>,
    /// The request that made the change.
    pub request_id: Option<String>,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl From<audit_log::Model> for AuditEntryDto {
    fn from(m: audit_log::Model) -> Self {
        Self {
            id: m.id,
            actor_id: m.actor_id,
            action: m.action,
            target_type: m.target_type,
            target_id: m.target_id,
            before: m.before,
            after: m.after,
            request_id: m.request_id,
            created_at: m.created_at,
        }
    }
}

/// `GET /api/admin/audit-log` filters.
#[derive(Debug, Default, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    /// Only entries about this target id.
    #[validate(length(min = 1, max = 100))]
    #[param(min_length = 1, max_length = 100)]
    pub target_id: Option<String>,
    /// Only entries by this actor.
    pub actor_id: Option<Uuid>,
    /// Only this action (`user.suspended`, `tokens.granted`, `queue.paused`…).
    #[validate(length(min = 1, max = 100))]
    #[param(min_length = 1, max_length = 100)]
    pub action: Option<String>,
    /// Only entries about this kind of target (`user`, `payout`, `system_config`, `queue`…).
    #[validate(length(min = 1, max = 50))]
    #[param(min_length = 1, max_length = 50)]
    pub target_type: Option<String>,
    /// Only entries at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Only entries before this time.
    pub to: Option<DateTime<Utc>>,
    /// Page size, 1-100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    #[param(max_length = 2048)]
    pub cursor: Option<String>,
}

/// `POST /api/admin/vendors`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct CreateVendorRequest {
    /// Display name.
    #[validate(custom(function = "valid_not_blank"), length(max = 200))]
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"[^\t\n\x0B\f\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    pub name: String,
}

/// A vendor just created, with its key (shown this once).
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedVendorDto {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// The API key (`X-API-Key`): store it now, it cannot be shown again.
    pub api_key: String,
    /// Public prefix of the key (shown in lists).
    pub key_prefix: String,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

/// A vendor in lists (no key).
#[derive(Debug, Serialize, ToSchema)]
pub struct VendorDto {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Public prefix of the key.
    pub key_prefix: String,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Revoked at; null while the key works.
    pub revoked_at: Option<DateTime<Utc>>,
    /// Last accepted use (to the minute).
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<vendors::Model> for VendorDto {
    fn from(m: vendors::Model) -> Self {
        Self {
            id: m.id,
            name: m.name,
            key_prefix: m.key_prefix,
            created_at: m.created_at,
            revoked_at: m.revoked_at,
            last_used_at: m.last_used_at,
        }
    }
}

/// `GET /api/v1/vendor/me`: who a key belongs to.
#[derive(Debug, Serialize, ToSchema)]
pub struct VendorWhoAmI {
    /// Vendor id.
    pub vendor_id: Uuid,
    /// Vendor name.
    pub name: String,
    /// The platform the key is scoped to.
    pub platform: String,
}

/// `GET /api/auth/google` query.
#[derive(Debug, Default, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GoogleStart {
    /// Where the frontend wants to land afterwards (a path on this site), kept in the state.
    #[validate(custom(function = "valid_local_path"))]
    #[param(
        max_length = 512,
        pattern = r"^/([^/\\\x00-\x1f\x7f-\x9f][^\\\x00-\x1f\x7f-\x9f]*)?$"
    )]
    pub redirect_to: Option<String>,
}

/// `GET /auth/google/callback` query (as Google sends it).
#[derive(Debug, Default, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GoogleCallback {
    /// The authorization code.
    #[validate(length(min = 1, max = 2048))]
    #[param(min_length = 1, max_length = 2048)]
    pub code: Option<String>,
    /// The state `GET /api/auth/google` issued.
    #[validate(length(min = 1, max = 256))]
    #[param(min_length = 1, max_length = 256)]
    pub state: Option<String>,
    /// Set instead of `code` when the user declined or Google failed.
    pub error: Option<String>,
}

/// The callback's answer: the session and where the frontend wanted to go.
#[derive(Debug, Serialize, ToSchema)]
pub struct GoogleSession {
    /// The signed-in session.
    #[serde(flatten)]
    pub session: AuthResponse,
    /// The `redirect_to` given to `GET /api/auth/google`.
    pub redirect_to: Option<String>,
    /// Whether this sign-in created the account.
    pub created: bool,
}

fn trimmed<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    String::deserialize(d).map(|s| s.trim().to_owned())
}

fn valid_not_blank(value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        let mut e = ValidationError::new("blank");
        e.message = Some("must not be blank".into());
        return Err(e);
    }
    Ok(())
}

fn valid_phone(value: &str) -> Result<(), ValidationError> {
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let allowed = value
        .chars()
        .all(|c| c.is_ascii_digit() || " +-()".contains(c));
    if !allowed || !(7..=15).contains(&digits) {
        let mut e = ValidationError::new("phone");
        e.message = Some("must be a phone number of 7 to 15 digits".into());
        return Err(e);
    }
    Ok(())
}

fn valid_phone_or_empty(value: &str) -> Result<(), ValidationError> {
    if value.is_empty() {
        Ok(())
    } else {
        valid_phone(value)
    }
}

fn valid_local_path(value: &str) -> Result<(), ValidationError> {
    let ok = value.starts_with('/')
        && !value.starts_with("//")
        && !value.contains('\\')
        && value.chars().count() <= 512
        && !value.chars().any(char::is_control);
    if ok {
        return Ok(());
    }
    let mut e = ValidationError::new("local_path");
    e.message = Some("must be a path on this site, starting with /".into());
    Err(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_and_paths() {
        assert!(valid_phone("+91 98765 43210").is_ok());
        assert!(valid_phone("12345").is_err());
        assert!(valid_phone("call me").is_err());
        assert!(valid_local_path("/dashboard?x=1").is_ok());
        assert!(valid_local_path("//evil.example").is_err());
        assert!(valid_local_path("https://evil.example").is_err());
    }
}

//! Users: creation (email unique per platform, case-insensitively), lookups scoped to a
//! platform, and the conversions between rows and the kernel's `Role`/`Capability`.

use chrono::Utc;
use kernel::{
    Tenant,
    auth::{Capability, CurrentUser, Role},
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, SqlErr,
};
use uuid::Uuid;

use crate::{
    entities::users::{self, UserStatus},
    error::{IdentityError, IdentityResult},
};

/// The stored spelling of a role (`USER`, `SUPERADMIN`…).
pub fn role_str(role: Role) -> &'static str {
    match role {
        Role::User => "USER",
        Role::Admin => "ADMIN",
        Role::Superadmin => "SUPERADMIN",
        Role::Expert => "EXPERT",
        Role::Sales => "SALES",
    }
}

/// The role of a row.
pub fn role_of(m: &users::Model) -> Role {
    m.role
}

/// The capability flags of a row (unknown names are ignored).
pub fn caps_of(m: &users::Model) -> Vec<Capability> {
    m.capabilities
        .as_array()
        .map(|names| {
            names
                .iter()
                .filter_map(|n| serde_json::from_value(n.clone()).ok())
                .collect()
        })
        .unwrap_or_default()
}

/// Capability flags as stored: sorted, without duplicates.
pub fn caps_json(caps: &[Capability]) -> serde_json::Value {
    let mut names: Vec<String> = caps
        .iter()
        .filter_map(|c| serde_json::to_value(c).ok())
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    names.sort();
    names.dedup();
    serde_json::json!(names)
}

/// What the directory reports for a row.
pub fn current_of(m: &users::Model) -> CurrentUser {
    CurrentUser {
        role: role_of(m),
        caps: caps_of(m),
        active: m.status == UserStatus::Active,
        tokens_valid_after: m.tokens_valid_after.map(|t| t.timestamp()),
    }
}

/// Emails are compared and stored trimmed and lowercased.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A phone number as stored: a leading `+` when given, then digits only.
pub fn normalize_phone(phone: &str) -> String {
    let plus = phone.trim_start().starts_with('+');
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    if plus { format!("+{digits}") } else { digits }
}

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Platform.
    pub platform_id: Uuid,
    /// Email (normalised here).
    pub email: String,
    /// Display name (trimmed here).
    pub full_name: String,
    /// Phone (normalised here).
    pub phone: Option<String>,
    /// argon2id PHC string, if the account has a password.
    pub password_hash: Option<String>,
    /// Role.
    pub role: Role,
    /// Capability flags.
    pub caps: Vec<Capability>,
    /// Whether the email is already proven (Google, seeded accounts).
    pub email_verified: bool,
}

impl NewUser {
    /// A USER with a password-less account, to be completed by the caller.
    pub fn new(platform_id: Uuid, email: &str, full_name: &str) -> Self {
        Self {
            platform_id,
            email: email.to_owned(),
            full_name: full_name.to_owned(),
            phone: None,
            password_hash: None,
            role: Role::User,
            caps: Vec::new(),
            email_verified: false,
        }
    }
}

/// Inserts a user; a taken email (any case) is 409 `email_taken`.
pub async fn insert<C: ConnectionTrait>(conn: &C, new: NewUser) -> IdentityResult<users::Model> {
    let now = Utc::now();
    let row = users::ActiveModel {
        id: Set(kernel::ids::new_id()),
        platform_id: Set(new.platform_id),
        email: Set(normalize_email(&new.email)),
        full_name: Set(new.full_name.trim().to_owned()),
        phone: Set(new.phone.as_deref().map(normalize_phone)),
        password_hash: Set(new.password_hash),
        role: Set(new.role),
        capabilities: Set(caps_json(&new.caps)),
        status: Set(UserStatus::Active),
        email_verified_at: Set(new.email_verified.then_some(now)),
        tokens_valid_after: Set(None),
        last_login_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    users::Entity::insert(row)
        .exec_with_returning(conn)
        .await
        .map_err(|e| match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => IdentityError::EmailTaken,
            _ => IdentityError::Db(e),
        })
}

/// The user of `platform_id` with this email.
pub async fn find_by_email<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    email: &str,
) -> IdentityResult<Option<users::Model>> {
    Ok(users::Entity::find()
        .filter(users::Column::PlatformId.eq(platform_id))
        .filter(users::Column::Email.eq(normalize_email(email)))
        .one(conn)
        .await?)
}

/// The user `id` of the tenant; a user of another platform is a 404 like a missing one.
pub async fn find_in<C: ConnectionTrait>(
    conn: &C,
    tenant: &Tenant,
    id: Uuid,
) -> IdentityResult<users::Model> {
    users::Entity::find_by_id(id)
        .filter(users::Column::PlatformId.eq(tenant.id))
        .one(conn)
        .await?
        .ok_or_else(|| IdentityError::NotFound(format!("no user {id}")))
}

/// Like [`find_in`], locking the row until the transaction ends.
pub async fn lock_in<C: ConnectionTrait>(
    conn: &C,
    tenant: &Tenant,
    id: Uuid,
) -> IdentityResult<users::Model> {
    users::Entity::find_by_id(id)
        .filter(users::Column::PlatformId.eq(tenant.id))
        .lock_exclusive()
        .one(conn)
        .await?
        .ok_or_else(|| IdentityError::NotFound(format!("no user {id}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation() {
        assert_eq!(
            normalize_email("  Asha.Rao@Example.COM "),
            "asha.rao@example.com"
        );
        assert_eq!(normalize_phone("+91 98765-43210"), "+919876543210");
        assert_eq!(normalize_phone("(080) 1234 567"), "0801234567");
        assert_eq!(
            caps_json(&[Capability::Hr, Capability::Finance, Capability::Hr]),
            serde_json::json!(["finance", "hr"])
        );
    }

    #[test]
    fn roles_and_statuses_are_spelled_as_stored() {
        use sea_orm::{ActiveEnum, Iterable};
        for role in Role::iter() {
            assert_eq!(role_str(role), role.to_value());
            assert_eq!(serde_json::json!(role), serde_json::json!(role.to_value()));
        }
        for status in UserStatus::iter() {
            assert_eq!(
                serde_json::json!(status),
                serde_json::json!(status.to_value())
            );
        }
    }
}

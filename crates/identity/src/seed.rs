//! Idempotent seeders, run at boot inside the gateway's seed transaction: the first
//! SUPERADMIN from `ADMIN_EMAIL`/`ADMIN_PASSWORD` on the default platform, then the sales
//! users of `SEED_SALES_USERS` (the seed's boot chain: admin, then sales users). An existing
//! account is never changed (an admin's later edits survive), and nothing is hashed when
//! every account exists, so a re-run costs a few lookups.

use anyhow::Context;
use kernel::{
    auth::{Capability, Role},
    tenant::entity as platforms,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;

use crate::{
    config::AuthConfig,
    service::{
        audit::{self, Audit},
        passwords,
        users::{NewUser, find_by_email, insert, role_str},
    },
};

struct Seed<'a> {
    platform: &'a str,
    email: &'a str,
    full_name: &'a str,
    phone: Option<&'a str>,
    password: Option<&'a SecretString>,
    role: Role,
    caps: &'a [Capability],
}

/// Runs the identity seeders on `conn` (the caller's transaction); users without a platform
/// go to `default_platform` (`DEFAULT_PLATFORM`).
pub async fn run<C: ConnectionTrait>(
    conn: &C,
    auth: &AuthConfig,
    default_platform: &str,
) -> anyhow::Result<()> {
    if let (Some(email), Some(password)) = (&auth.admin_email, &auth.admin_password) {
        ensure(
            conn,
            auth,
            Seed {
                platform: default_platform,
                email,
                full_name: "Administrator",
                phone: None,
                password: Some(password),
                role: Role::Superadmin,
                caps: &[],
            },
        )
        .await
        .context("seeding the first superadmin")?;
    }
    for user in &auth.seed_sales_users {
        ensure(
            conn,
            auth,
            Seed {
                platform: user.platform.as_deref().unwrap_or(default_platform),
                email: &user.email,
                full_name: &user.full_name,
                phone: user.phone.as_deref(),
                password: user.password.as_ref(),
                role: Role::Sales,
                caps: &user.capabilities,
            },
        )
        .await
        .with_context(|| format!("seeding sales user {}", user.email))?;
    }
    Ok(())
}

async fn ensure<C: ConnectionTrait>(
    conn: &C,
    auth: &AuthConfig,
    seed: Seed<'_>,
) -> anyhow::Result<()> {
    let platform = platforms::Entity::find()
        .filter(platforms::Column::Slug.eq(seed.platform))
        .one(conn)
        .await?
        .with_context(|| format!("no platform {:?}", seed.platform))?;
    if find_by_email(conn, platform.id, seed.email)
        .await?
        .is_some()
    {
        return Ok(());
    }
    let password_hash = match seed.password {
        Some(p) => {
            let argon = passwords::argon2(auth)?;
            Some(passwords::hash_now(&argon, p.expose_secret())?)
        }
        None => None,
    };
    let mut new = NewUser::new(platform.id, seed.email, seed.full_name);
    new.phone = seed.phone.map(str::to_owned);
    new.password_hash = password_hash;
    new.role = seed.role;
    new.caps = seed.caps.to_vec();
    new.email_verified = true;
    let user = insert(conn, new).await?;
    audit::record(
        conn,
        Audit::new(platform.id, None, "user.seeded", "user", user.id).change(
            serde_json::Value::Null,
            json!({"email": user.email, "role": role_str(seed.role)}),
        ),
    )
    .await?;
    tracing::info!(email = %user.email, role = role_str(seed.role), platform = seed.platform, "seeded a user");
    Ok(())
}

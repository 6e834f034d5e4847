//! Sticky and popup banners (ADR 0077): admins create, replace and delete them (audited);
//! clients list the banners live now for their device and audience (anonymous visitors,
//! signed-in users, students, mentors, sales users, admins), highest priority first, with a
//! signed URL of the image. The image is an object of the platform uploaded through
//! `POST /api/upload`; a banner names it by key, checked to exist and to be an image.

use chrono::Utc;
use kernel::{
    AppError, Tenant,
    audit::{self, Audit},
    auth::{AuthUser, Role},
};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Statement, TransactionTrait,
};
use storage::{ObjectKey, Storage, StorageError};
use uuid::Uuid;

use crate::{
    CrmError,
    dto::marketing::{BannerDto, BannerKind, BannerRequest, Device, LiveBanner},
    service::marketing::{opt_text, sane_time, text},
};

const COLUMNS: &str = "id, kind, title, body, link_url, image_key, audience, device, priority, \
     starts_at, ends_at, active";

/// A link a banner may carry: `https://…` or a path of the site (`/…`, not `//…` or `/\…`),
/// without spaces, control characters or backslashes (browsers read `\` as `/`, so `/\host`
/// would leave the site).
fn link_ok(url: &str) -> bool {
    let safe = !url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '\\');
    let https = url
        .strip_prefix("https://")
        .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'));
    let path = url.starts_with('/') && !url.starts_with("//");
    safe && (https || path)
}

/// Checks the image key: a well-formed key of this platform, an object that exists and is an
/// image (422 on `image_key` otherwise).
async fn check_image(storage: &Storage, tenant: &Tenant, raw: &str) -> Result<String, CrmError> {
    let bad = |m: &str| CrmError::Invalid("image_key", m.to_owned());
    let key = ObjectKey::parse(raw).map_err(|_| bad("is not an object key"))?;
    if !key.belongs_to(&tenant.slug) {
        return Err(bad("belongs to another platform"));
    }
    match storage.head(&key).await {
        Ok(info) if info.content_type.starts_with("image/") => Ok(key.as_str().to_owned()),
        Ok(_) => Err(bad("is not an image")),
        Err(StorageError::NotFound(_)) => Err(bad("no such upload")),
        Err(e) => Err(CrmError::App(AppError::Unexpected(anyhow::anyhow!(
            "storage: {e}"
        )))),
    }
}

struct Checked {
    title: String,
    body: Option<String>,
    link_url: Option<String>,
    image_key: Option<String>,
}

async fn checked(
    storage: &Storage,
    tenant: &Tenant,
    req: &BannerRequest,
) -> Result<Checked, CrmError> {
    let title = text("title", &req.title)?;
    let body = opt_text("body", req.body.as_deref())?;
    let link_url = opt_text("link_url", req.link_url.as_deref())?;
    if link_url.as_deref().is_some_and(|l| !link_ok(l)) {
        return Err(CrmError::Invalid(
            "link_url",
            "must be an https:// URL or a path starting with one /, without backslashes".into(),
        ));
    }
    sane_time("starts_at", Some(req.starts_at))?;
    sane_time("ends_at", req.ends_at)?;
    if req.ends_at.is_some_and(|e| e <= req.starts_at) {
        return Err(CrmError::Invalid(
            "ends_at",
            "must be after starts_at".into(),
        ));
    }
    let image_key = match req.image_key.as_deref() {
        Some(raw) => Some(check_image(storage, tenant, raw).await?),
        None => None,
    };
    Ok(Checked {
        title,
        body,
        link_url,
        image_key,
    })
}

/// Creates a banner (audited `banner.created`).
pub async fn create(
    db: &DatabaseConnection,
    storage: &Storage,
    admin: &AuthUser,
    req: BannerRequest,
) -> Result<BannerDto, CrmError> {
    let c = checked(storage, &admin.tenant, &req).await?;
    let txn = db.begin().await?;
    let id = kernel::ids::new_id();
    let row = BannerDto::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "INSERT INTO marketing_banners (id, platform_id, kind, title, body, link_url, \
             image_key, audience, device, priority, starts_at, ends_at, active, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING {COLUMNS}"
        ),
        [
            id.into(),
            admin.tenant.id.into(),
            req.kind.as_str().into(),
            c.title.into(),
            c.body.into(),
            c.link_url.into(),
            c.image_key.into(),
            req.audience.as_str().into(),
            req.device.as_str().into(),
            req.priority.unwrap_or(0).into(),
            req.starts_at.into(),
            req.ends_at.into(),
            req.active.unwrap_or(true).into(),
            admin.id.into(),
        ],
    ))
    .one(&txn)
    .await?
    .ok_or(CrmError::NotFound("banner"))?;
    audit::record(
        &txn,
        Audit::by(admin, "banner.created", "banner", id)
            .after(serde_json::to_value(&row).unwrap_or_default()),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

async fn one<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    id: Uuid,
    lock: bool,
) -> Result<BannerDto, CrmError> {
    BannerDto::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {COLUMNS} FROM marketing_banners WHERE id = $1 AND platform_id = $2{}",
            if lock { " FOR UPDATE" } else { "" }
        ),
        [id.into(), platform_id.into()],
    ))
    .one(conn)
    .await?
    .ok_or(CrmError::NotFound("banner"))
}

/// Replaces a banner (audited `banner.updated`, before and after).
pub async fn update(
    db: &DatabaseConnection,
    storage: &Storage,
    admin: &AuthUser,
    id: Uuid,
    req: BannerRequest,
) -> Result<BannerDto, CrmError> {
    let c = checked(storage, &admin.tenant, &req).await?;
    let txn = db.begin().await?;
    let before = one(&txn, admin.tenant.id, id, true).await?;
    let row = BannerDto::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "UPDATE marketing_banners SET kind = $3, title = $4, body = $5, link_url = $6, \
             image_key = $7, audience = $8, device = $9, priority = $10, starts_at = $11, \
             ends_at = $12, active = $13, updated_at = now() \
             WHERE id = $1 AND platform_id = $2 RETURNING {COLUMNS}"
        ),
        [
            id.into(),
            admin.tenant.id.into(),
            req.kind.as_str().into(),
            c.title.into(),
            c.body.into(),
            c.link_url.into(),
            c.image_key.into(),
            req.audience.as_str().into(),
            req.device.as_str().into(),
            req.priority.unwrap_or(0).into(),
            req.starts_at.into(),
            req.ends_at.into(),
            req.active.unwrap_or(true).into(),
        ],
    ))
    .one(&txn)
    .await?
    .ok_or(CrmError::NotFound("banner"))?;
    audit::record(
        &txn,
        Audit::by(admin, "banner.updated", "banner", id).change(
            serde_json::to_value(&before).unwrap_or_default(),
            serde_json::to_value(&row).unwrap_or_default(),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// Deletes a banner (audited `banner.deleted`; the image stays in storage).
pub async fn delete(db: &DatabaseConnection, admin: &AuthUser, id: Uuid) -> Result<(), CrmError> {
    let txn = db.begin().await?;
    let before = one(&txn, admin.tenant.id, id, true).await?;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "DELETE FROM marketing_banners WHERE id = $1 AND platform_id = $2",
        [id.into(), admin.tenant.id.into()],
    ))
    .await?;
    audit::record(
        &txn,
        Audit::by(admin, "banner.deleted", "banner", id).change(
            serde_json::to_value(&before).unwrap_or_default(),
            serde_json::Value::Null,
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Every banner of the platform (admin), newest start first.
pub async fn list(
    db: &DatabaseConnection,
    platform_id: Uuid,
    kind: Option<BannerKind>,
) -> Result<Vec<BannerDto>, CrmError> {
    Ok(BannerDto::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {COLUMNS} FROM marketing_banners WHERE platform_id = $1 \
             AND ($2::text IS NULL OR kind = $2) ORDER BY starts_at DESC, id DESC LIMIT 500"
        ),
        [
            platform_id.into(),
            kind.map(|k| k.as_str().to_owned()).into(),
        ],
    ))
    .all(db)
    .await?)
}

/// The audiences a caller belongs to.
pub fn audiences(user: Option<&AuthUser>) -> Vec<&'static str> {
    let Some(u) = user else {
        return vec!["all", "logged_out"];
    };
    let mut out = vec!["all", "logged_in"];
    out.push(match u.role {
        Role::User => "students",
        Role::Expert => "mentors",
        Role::Sales => "sales",
        Role::Admin | Role::Superadmin => "admins",
    });
    out
}

/// The `kind` banners live now on the platform for `device` and the caller's audience,
/// highest priority first, each image as a signed URL.
pub async fn live(
    db: &DatabaseConnection,
    storage: &Storage,
    tenant: &Tenant,
    user: Option<&AuthUser>,
    kind: BannerKind,
    device: Device,
) -> Result<Vec<LiveBanner>, CrmError> {
    // at most three audiences apply (all, signed in or not, the role's): padded to three
    let mut audiences = audiences(user);
    while audiences.len() < 3 {
        audiences.push("all");
    }
    let rows = BannerDto::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {COLUMNS} FROM marketing_banners WHERE platform_id = $1 AND kind = $2 \
             AND active AND starts_at <= $3 AND (ends_at IS NULL OR ends_at > $3) \
             AND device IN ('all', $4) AND audience IN ($5, $6, $7) \
             ORDER BY priority DESC, starts_at DESC, id LIMIT 20"
        ),
        [
            tenant.id.into(),
            kind.as_str().into(),
            Utc::now().into(),
            device.as_str().into(),
            audiences[0].into(),
            audiences[1].into(),
            audiences[2].into(),
        ],
    ))
    .all(db)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for b in rows {
        let image_url = match b.image_key.as_deref().map(ObjectKey::parse) {
            Some(Ok(key)) => storage
                .signed_get_url(&key, storage.signed_url_ttl())
                .await
                .map(|u| u.url)
                .map_err(|e| {
                    tracing::warn!(banner_id = %b.id, error = %e, "banner image URL");
                })
                .ok(),
            _ => None,
        };
        out.push(LiveBanner {
            id: b.id,
            title: b.title,
            body: b.body,
            link_url: b.link_url,
            image_url,
            priority: b.priority,
            ends_at: b.ends_at,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_https_or_site_paths() {
        assert!(link_ok("https://example.com/offer"));
        assert!(link_ok("/courses/ai"));
        assert!(!link_ok("//evil.example"));
        assert!(!link_ok("javascript:alert(1)"));
        assert!(!link_ok("http://example.com"));
        assert!(!link_ok("https:///x"));
        assert!(!link_ok("/a b"));
        assert!(!link_ok("/\\evil.example"));
        assert!(!link_ok("\\\\evil.example"));
        assert!(!link_ok("/courses\\ai"));
        assert!(!link_ok("https://\\evil.example"));
        assert_eq!(audiences(None), ["all", "logged_out"]);
    }
}

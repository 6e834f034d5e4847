//! `X-API-Key` authentication of machine clients (the seed's `vendorAuth` middleware).

use std::{future::Future, pin::Pin, sync::Arc};

use actix_web::{
    FromRequest, HttpMessage, HttpRequest, dev::Payload, http::header::HeaderName, web,
};
use kernel::{AppContext, AppError, Tenant, tenant::entity as platforms};
use sea_orm::EntityTrait;
use uuid::Uuid;

use crate::service::vendors;

/// The header carrying the key.
pub const API_KEY_HEADER: HeaderName = HeaderName::from_static("x-api-key");

/// A vendor authenticated by its API key. The request is scoped to the vendor's platform:
/// the tenant in the request (what a later `Tenant` extractor returns) becomes the key's
/// platform. Missing, malformed, unknown and revoked keys are 401; a key sent with an
/// `X-Platform` of another platform is 403 `wrong_platform`.
#[derive(Debug, Clone)]
pub struct VendorKey {
    /// Vendor id.
    pub id: Uuid,
    /// Vendor name.
    pub name: String,
    /// The key's platform.
    pub tenant: Arc<Tenant>,
}

async fn authenticate(req: &HttpRequest) -> Result<VendorKey, AppError> {
    let key = req
        .headers()
        .get(&API_KEY_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .ok_or_else(|| AppError::unauthorized("missing X-API-Key"))?
        .to_owned();
    let ctx = req
        .app_data::<web::Data<AppContext>>()
        .cloned()
        .ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("AppContext is not registered")))?;
    let vendor = vendors::authenticate(&ctx, &key)
        .await?
        .ok_or_else(|| AppError::unauthorized("invalid or revoked API key"))?;
    let platform = platforms::Entity::find_by_id(vendor.platform_id)
        .one(&ctx.db)
        .await?
        .ok_or_else(|| AppError::unauthorized("the key's platform is gone"))?;
    let tenant = ctx
        .tenants
        .resolve(&ctx.db, Some(&platform.slug))
        .await
        .map_err(|_| AppError::unauthorized("the key's platform is not active"))?;
    if let Some(asked) = req.headers().get(&kernel::tenant::HEADER)
        && asked.to_str().ok().map(str::trim) != Some(tenant.slug.as_str())
    {
        return Err(AppError::new(
            &kernel::error::codes::WRONG_PLATFORM,
            format!("this key belongs to platform {:?}", tenant.slug),
        ));
    }
    req.extensions_mut().insert(tenant.clone());
    Ok(VendorKey {
        id: vendor.id,
        name: vendor.name,
        tenant,
    })
}

impl FromRequest for VendorKey {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authenticate(&req).await })
    }
}

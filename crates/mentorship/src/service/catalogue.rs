//! The public mentor list served from a process-local copy (ADR 0083): a page is kept as its
//! JSON bytes by (platform, query) for `MENTOR_LIST_CACHE_MS`, and only while the process is
//! subscribed to the catalogue's invalidation channel. A successful change through any of the
//! crate's writing scopes (profiles, slots, rules, bookings, approvals, feedback) drops the
//! platform's pages here at once and, through the channel, on every other replica; the slot
//! generator drops every platform's. A page is the same for every caller of a platform (no
//! personal data), and its key holds the platform, so no other tenant's page is ever served.

use std::{sync::Arc, time::Duration};

use actix_web::{
    Error, HttpMessage,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::Method,
    middleware::Next,
    web::{self, Bytes},
};
use kernel::{
    AppContext, Tenant,
    invalidation::{self, Subscriber},
    local_cache::LocalCache,
};
use uuid::Uuid;

/// Pages by (platform, query string).
pub type Pages = LocalCache<(Uuid, String), Bytes>;

/// What [`changed_everywhere`] publishes: every platform's pages.
const ALL: &str = "*";

/// The process's pages.
pub fn pages(ctx: &AppContext) -> Arc<Pages> {
    ctx.extensions.get_or_init(|| Pages::new(10_000))
}

fn channel(ctx: &AppContext) -> String {
    ctx.redis_key("mentorship:catalogue-changed")
}

/// Keeps the pages live while subscribed (nothing is cached when `ttl` is zero).
pub fn spawn_listener(ctx: &AppContext, ttl: Duration) {
    if ttl.is_zero() {
        return;
    }
    invalidation::spawn_listener(
        ctx,
        &pages(ctx),
        Subscriber {
            channel: channel(ctx),
            on_key: |pages: &Pages, key: &str| match key.parse::<Uuid>() {
                Ok(platform) => pages.forget_where(|(p, _)| *p == platform),
                Err(_) => pages.clear(),
            },
            on_live: Pages::set_live,
            sweep: Box::new(move |pages: &Pages| pages.sweep(ttl)),
            sweep_every: ttl,
        },
    );
}

/// Drops `platform_id`'s pages here and on every replica (call after the change committed).
pub async fn changed(ctx: &AppContext, platform_id: Uuid) {
    pages(ctx).forget_where(|(p, _)| *p == platform_id);
    if let Err(err) = invalidation::publish(ctx, &channel(ctx), &platform_id.to_string()).await {
        tracing::warn!(error = %err, "could not publish a mentor list change");
    }
}

/// Drops every platform's pages here and on every replica.
pub async fn changed_everywhere(ctx: &AppContext) {
    pages(ctx).clear();
    if let Err(err) = invalidation::publish(ctx, &channel(ctx), ALL).await {
        tracing::warn!(error = %err, "could not publish a mentor list change");
    }
}

/// Middleware of the crate's writing scopes: a successful (2xx/3xx) request other than
/// GET/HEAD drops the platform's pages once it has been answered (its transaction has
/// committed by then).
pub async fn drop_pages_after_writes(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let ctx = req.app_data::<web::Data<AppContext>>().cloned();
    let res = next.call(req).await?;
    if writes
        && (res.status().is_success() || res.status().is_redirection())
        && let Some(ctx) = ctx
    {
        let platform = res
            .request()
            .extensions()
            .get::<Arc<Tenant>>()
            .map(|t| t.id);
        match platform {
            Some(p) => changed(&ctx, p).await,
            None => changed_everywhere(&ctx).await,
        }
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_platform_change_drops_only_that_platforms_pages() {
        let pages = Pages::new(10);
        pages.set_live(true);
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        for (p, q) in [(a, "limit=20"), (a, "limit=5"), (b, "limit=20")] {
            pages.fill((p, q.to_owned()), Bytes::from_static(b"[]"), pages.epoch());
        }
        pages.forget_where(|(p, _)| *p == a);
        let ttl = Duration::from_secs(60);
        assert!(pages.get(&(a, "limit=20".to_owned()), ttl).is_none());
        assert!(pages.get(&(a, "limit=5".to_owned()), ttl).is_none());
        assert!(pages.get(&(b, "limit=20".to_owned()), ttl).is_some());
    }
}

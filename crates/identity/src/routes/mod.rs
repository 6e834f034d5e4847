//! The identity routes. Sign-in endpoints are public by design (the credential is in the
//! body) and rate limited per IP and per account; everything else names its permission in
//! its extractor.

use actix_web::HttpRequest;
use kernel::routes::ServiceConfig;
use kernel::{
    AppContext, AppError,
    config::RateLimit,
    ratelimit::{self, OnOutage},
};

use crate::{Identity, service::sessions::ClientMeta};

pub mod admin_users;
pub mod auth;
pub mod google;
pub mod otp;
pub mod password;
pub mod vendors;

/// Mounts every identity route.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(auth::signup)
        .service(auth::login)
        .service(auth::refresh)
        .service(auth::logout)
        .service(auth::me)
        .service(auth::update_me)
        .service(otp::request)
        .service(otp::verify)
        .service(password::forgot)
        .service(password::reset)
        .service(password::change)
        .service(google::start)
        .service(google::callback)
        .service(admin_users::list)
        .service(admin_users::get)
        .service(admin_users::update)
        .service(admin_users::suspend)
        .service(admin_users::reactivate)
        .service(admin_users::audit_log)
        .service(vendors::create)
        .service(vendors::list)
        .service(vendors::revoke)
        .service(vendors::whoami);
}

/// What the limit of `action` does while Redis is down: the actions that check a secret
/// fail closed, so an outage never opens unlimited guessing.
pub(crate) fn on_outage(action: &str) -> OnOutage {
    match action {
        // a password or a 6-digit code can be guessed; a 256-bit reset token cannot
        "login" | "otp-verify" => OnOutage::Refuse,
        _ => OnOutage::Allow,
    }
}

/// The client's IP and user agent.
pub(crate) fn client_meta(req: &HttpRequest, ctx: &AppContext) -> ClientMeta {
    let user_agent = req
        .headers()
        .get(actix_web::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|ua| ua.chars().take(300).collect());
    ClientMeta {
        ip: Some(ratelimit::client_ip(req, &ctx.config.trusted_proxies)),
        user_agent,
    }
}

/// Counts one attempt of `action` against the client's IP and, when given, the account
/// (`email` on platform `slug`); 429 with `Retry-After` over either limit. Guessing actions
/// (login, OTP verification) fail closed while Redis is down
/// ([`OnOutage::Refuse`]: 503 `rate_limit_unavailable`); the others let requests through.
pub(crate) async fn limit(
    identity: &Identity,
    meta: &ClientMeta,
    action: &str,
    per_ip: RateLimit,
    account: Option<(&str, &str, RateLimit)>,
) -> Result<(), AppError> {
    let ctx = identity.ctx();
    let ip = meta.ip.as_deref().unwrap_or("unknown");
    let on_outage = on_outage(action);
    let result = async {
        ratelimit::hit_with(ctx, &format!("{action}:ip:{ip}"), per_ip, on_outage).await?;
        if let Some((slug, email, per_account)) = account {
            let who = ratelimit::account_key(slug, email);
            ratelimit::hit_with(
                ctx,
                &format!("{action}:account:{who}"),
                per_account,
                on_outage,
            )
            .await?;
        }
        Ok(())
    }
    .await;
    if result.is_err() {
        identity.metrics().count("rate_limited");
    }
    result
}

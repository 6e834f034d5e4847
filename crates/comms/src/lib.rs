//! Communications: transactional email, WhatsApp Cloud API messaging and Exotel telephony,
//! with the inbound webhooks of both providers.
//!
//! - [`email`]: a [`Mailer`] (SMTP when configured, else one `.eml` file per message in
//!   `MAIL_OUTBOX_DIR`), templates with platform branding, the `send-email` job on
//!   `emailQueue` exactly as the Node monolith enqueues it (`{type, to, data, platform?}`).
//! - [`whatsapp`]: the Cloud API client, the `send-whatsapp` job on `whatsappQueue`, a send
//!   route, and the webhook (verify handshake, `X-Hub-Signature-256`, statuses and inbound).
//! - [`exotel`]: click-to-call and SMS for sales users, and the status callback guarded by
//!   `EXOTEL_WEBHOOK_TOKEN`.
//!
//! A provider without credentials self-disables: its routes answer 503
//! `provider_not_configured` and nothing fails at boot.

pub mod email;
pub mod entities;
pub mod error;
pub mod exotel;
pub use integrations::provider;
pub mod secure;
pub mod whatsapp;

mod phone;

use std::time::Duration;

use anyhow::Context;
use kernel::{AppContext, tenant::ModuleGate};
use sea_orm::DatabaseConnection;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub use email::{EmailJob, Mailer, queue_email};
pub use error::codes;
pub use exotel::ExotelClient;
pub use whatsapp::{WhatsAppClient, WhatsAppJob};

/// Module name of the sending routes (`platforms.modules`).
pub const MODULE: &str = "comms";

/// Timeout of one provider HTTP call.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(15);

/// The state of this crate, built once per process and registered as `web::Data<Comms>`.
/// Cheap to clone.
#[derive(Clone)]
pub struct Comms {
    /// Email delivery.
    pub mailer: Mailer,
    /// WhatsApp Cloud API client; `None` without credentials.
    pub whatsapp: Option<WhatsAppClient>,
    /// Exotel client; `None` without credentials.
    pub exotel: Option<ExotelClient>,
    /// Queues (the sending routes enqueue through the outbox and wake the relay).
    pub jobs: jobs::Jobs,
    /// PostgreSQL pool (the WhatsApp handler records outcomes).
    pub db: DatabaseConnection,
}

impl Comms {
    /// Builds the mailer and the provider clients from the configuration. Missing provider
    /// credentials are not an error: those providers self-disable.
    pub fn new(ctx: &AppContext, jobs: &jobs::Jobs) -> anyhow::Result<Self> {
        let config = &ctx.config;
        let mailer = Mailer::from_config(config).context("building the mailer")?;
        let http = reqwest::Client::builder()
            .timeout(PROVIDER_TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            .user_agent(concat!("mas-gateway/", env!("CARGO_PKG_VERSION")))
            .build()
            .context("building the provider HTTP client")?;
        let whatsapp = WhatsAppClient::from_config(&config.whatsapp, http.clone());
        let exotel = ExotelClient::from_config(&config.exotel, &config.public_base_url, http);
        tracing::info!(
            email = %mailer.describe(),
            whatsapp = whatsapp.is_some(),
            exotel = exotel.is_some(),
            "comms providers"
        );
        Ok(Self {
            mailer,
            whatsapp,
            exotel,
            jobs: jobs.clone(),
            db: ctx.db.clone(),
        })
    }
}

/// Mounts the sending routes (behind the `comms` module gate) and the public webhooks.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        scope::scope("/api/exotel")
            .wrap(ModuleGate(MODULE))
            .service(exotel::routes::call)
            .service(exotel::routes::sms)
            .service(exotel::routes::list_calls),
    )
    .service(
        scope::scope("/api/whatsapp")
            .wrap(ModuleGate(MODULE))
            .service(whatsapp::routes::send),
    )
    .service(whatsapp::webhook::verify)
    .service(whatsapp::webhook::receive)
    .service(exotel::webhook::status);
}

/// Registers this crate's job handlers: `send-email` on `emailQueue` and `send-whatsapp`
/// on `whatsappQueue`.
pub fn workers(registry: &mut jobs::Registry, comms: &Comms) {
    email::workers(registry, comms.mailer.clone());
    whatsapp::workers(registry, comms.whatsapp.clone(), comms.db.clone());
}

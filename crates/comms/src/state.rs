//! The crate's state: the mailer, the provider clients, the queues, the pool, its
//! configuration section and the registered contact policies.

use std::{sync::Arc, time::Duration};

use anyhow::Context;
use kernel::AppContext;
use sea_orm::DatabaseConnection;

use crate::{
    CommsConfig, ExotelClient, Mailer, WhatsAppClient,
    contact::{ContactPolicies, ContactPolicy},
};

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
    /// The crate's configuration section (the webhooks' shared secrets).
    pub config: Arc<CommsConfig>,
    /// Asked before a direct call, SMS or WhatsApp message (none registered: all allowed).
    pub contact_policies: Arc<ContactPolicies>,
}

impl Comms {
    /// Builds the mailer and the provider clients from the configuration. Missing provider
    /// credentials are not an error: those providers self-disable.
    pub fn new(ctx: &AppContext, jobs: &jobs::Jobs, config: CommsConfig) -> anyhow::Result<Self> {
        let base_url = &ctx.config.public_base_url;
        let mailer = Mailer::from_config(&config.email, base_url).context("building the mailer")?;
        let http = reqwest::Client::builder()
            .timeout(PROVIDER_TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            .user_agent(concat!("mas-gateway/", env!("CARGO_PKG_VERSION")))
            .build()
            .context("building the provider HTTP client")?;
        let whatsapp = WhatsAppClient::from_config(&config.whatsapp, http.clone());
        let exotel = ExotelClient::from_config(&config.exotel, base_url, http);
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
            config: Arc::new(config),
            contact_policies: Arc::new(ContactPolicies::new()),
        })
    }

    /// With `policy` asked (after any registered earlier) before every direct call, SMS and
    /// WhatsApp message; registered by the gateway (the CRM's leads).
    pub fn with_contact_policy(mut self, policy: impl ContactPolicy) -> Self {
        Arc::make_mut(&mut self.contact_policies).register(policy);
        self
    }
}

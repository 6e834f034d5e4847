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
//! - [`notifications`]: in-app notifications. Other crates call
//!   [`notifications::notify_in`] in their transaction; the `send-notification` job on
//!   `notificationQueue` writes the row once and pushes the Socket.IO event `notification`
//!   to the user's room on every replica (through the gateway's [`notifications::LivePush`]).
//!   Routes, for the signed-in user's own notifications:
//!   `GET /api/notifications` (`?unread=true&limit=&cursor=`, newest first),
//!   `GET /api/notifications/unread-count`, `POST /api/notifications/{id}/read`,
//!   `POST /api/notifications/read-all`.
//!
//! [`CommsConfig`] is the crate's environment section, kept in [`Comms`].
//!
//! - [`contact`]: before a direct call, SMS or WhatsApp message, every registered
//!   [`ContactPolicy`] is asked about the number (the CRM refuses its do-not-disturb leads
//!   and WhatsApp to leads without consent: 409, nothing sent or stored); the gateway
//!   registers them with [`Comms::with_contact_policy`], none means everything is allowed.
//!
//! A provider without credentials self-disables: its routes answer 503
//! `provider_not_configured` and nothing fails at boot.

pub mod config;
pub mod contact;
pub mod email;
pub mod entities;
pub mod error;
pub mod exotel;
pub mod notifications;
pub use integrations::provider;
pub mod secure;
pub mod whatsapp;

mod phone;
mod state;

use kernel::routes::{ServiceConfig, scope};
use kernel::tenant::ModuleGate;

pub use config::CommsConfig;
pub use contact::{Channel, ContactPolicy, ContactVerdict, Refusal};
pub use email::{EmailJob, Mailer, queue_email};
pub use error::codes;
pub use exotel::ExotelClient;
pub use notifications::{LivePush, Notice, notify_in, notify_into};
pub use state::Comms;
pub use whatsapp::{WhatsAppClient, WhatsAppJob};

/// Module name of the sending routes (`platforms.modules`).
pub const MODULE: &str = "comms";

/// Mounts the sending routes (behind the `comms` module gate) and the public webhooks.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        scope("/api/exotel")
            .wrap(ModuleGate(MODULE))
            .service(exotel::routes::call)
            .service(exotel::routes::sms)
            .service(exotel::routes::list_calls),
    )
    .service(
        scope("/api/whatsapp")
            .wrap(ModuleGate(MODULE))
            .service(whatsapp::routes::send),
    )
    .service(
        scope("/api/notifications")
            .service(notifications::routes::list)
            .service(notifications::routes::unread_count)
            .service(notifications::routes::read_all)
            .service(notifications::routes::read),
    )
    .service(whatsapp::webhook::verify)
    .service(whatsapp::webhook::receive)
    .service(exotel::webhook::status);
}

/// Registers this crate's job handlers: `send-email` on `emailQueue` and `send-whatsapp`
/// on `whatsappQueue` (`send-notification` is registered by [`notifications::workers`],
/// which needs the process's [`notifications::LivePush`]).
pub fn workers(registry: &mut jobs::Registry, comms: &Comms) {
    email::workers(registry, comms.mailer.clone());
    whatsapp::workers(registry, comms.whatsapp.clone(), comms.db.clone());
}

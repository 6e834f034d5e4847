//! Who may be contacted through the direct sending routes (`POST /api/exotel/call`,
//! `POST /api/exotel/sms`, `POST /api/whatsapp/messages`): before anything is sent or
//! stored, every registered [`ContactPolicy`] is asked about the number. A crate that owns
//! rules about people's numbers implements it (the CRM: do-not-disturb and WhatsApp consent
//! of its leads) and the gateway registers it ([`crate::Comms::with_contact_policy`]); with
//! no policy registered every number is allowed, so comms works on its own.

use std::{fmt, future::Future, pin::Pin, sync::Arc};

use kernel::{AppError, error::ErrorCode};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

/// What a policy's check returns (boxed, so the trait stays object-safe).
pub type ContactFuture<'a> =
    Pin<Box<dyn Future<Output = Result<ContactVerdict, AppError>> + Send + 'a>>;

/// How a number would be contacted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// An Exotel click-to-call (the number rings).
    Call,
    /// An Exotel SMS.
    Sms,
    /// A WhatsApp text or template message.
    Whatsapp,
}

impl Channel {
    /// `call`, `sms` or `whatsapp` (for logs).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Call => "call",
            Self::Sms => "sms",
            Self::Whatsapp => "whatsapp",
        }
    }
}

/// Why a contact is refused: the registered code the route answers with (a 409 code of the
/// policy's crate, e.g. the CRM's `lead_do_not_disturb`) and the human detail.
#[derive(Debug, Clone)]
pub struct Refusal {
    /// The code of the answer; its status comes with it.
    pub code: &'static ErrorCode,
    /// The problem's `detail` (never the person's data beyond what the caller sent).
    pub detail: String,
}

/// A policy's answer.
#[derive(Debug, Clone)]
pub enum ContactVerdict {
    /// Nothing against contacting this number on this channel.
    Allow,
    /// Refused: the route answers the refusal on the number's field and sends nothing.
    Block(Refusal),
}

/// A rule about contacting a number, implemented by the crate that knows the people behind
/// the numbers and registered by the gateway.
///
/// Model: `crm::service::contact_policy::LeadContactPolicy`.
pub trait ContactPolicy: Send + Sync + 'static {
    /// A short name for logs (`crm_leads`).
    fn name(&self) -> &'static str;

    /// Whether `phone` may be contacted on `channel` on platform `platform_id`. `phone` is
    /// the number as the route received it with formatting removed (spaces, dashes, dots,
    /// brackets): an optional `+`, then 8 to 15 digits, with or without a country code, so
    /// the policy normalises it the way it stores numbers. A number it knows nothing about
    /// is [`ContactVerdict::Allow`].
    fn check<'a>(
        &'a self,
        db: &'a DatabaseConnection,
        platform_id: Uuid,
        phone: &'a str,
        channel: Channel,
    ) -> ContactFuture<'a>;
}

/// The registered policies, asked in registration order (empty: everything is allowed).
#[derive(Clone, Default)]
pub struct ContactPolicies {
    policies: Vec<Arc<dyn ContactPolicy>>,
}

impl fmt::Debug for ContactPolicies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.policies.iter().map(|p| p.name()))
            .finish()
    }
}

impl ContactPolicies {
    /// No policy.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a policy.
    pub fn register(&mut self, policy: impl ContactPolicy) -> &mut Self {
        self.policies.push(Arc::new(policy));
        self
    }

    /// Whether no policy is registered.
    pub fn is_empty(&self) -> bool {
        self.policies.is_empty()
    }

    /// Asks every policy about `phone` (formatting already removed);
    /// the first refusal answers, as an error on `field` with the refusal's code.
    pub async fn ensure_allowed(
        &self,
        db: &DatabaseConnection,
        platform_id: Uuid,
        phone: &str,
        channel: Channel,
        field: &str,
    ) -> Result<(), AppError> {
        for policy in &self.policies {
            if let ContactVerdict::Block(refusal) =
                policy.check(db, platform_id, phone, channel).await?
            {
                tracing::info!(
                    policy = policy.name(),
                    channel = channel.as_str(),
                    code = refusal.code.code,
                    "contact refused"
                );
                return Err(AppError::new(refusal.code, refusal.detail).on_field(field));
            }
        }
        Ok(())
    }
}

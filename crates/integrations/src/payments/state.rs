//! [`Payments`]: the Razorpay client and the registered products, built once by the gateway
//! and registered as `web::Data<Payments>`; product routes and the webhook extract it.

use std::sync::Arc;

use kernel::{AppContext, AppError, Tenant};
use serde_json::Value;
use uuid::Uuid;

use super::{
    capture::{self, Captured},
    dto::CheckoutVerification,
    product::{PaymentProduct, PaymentProducts},
    webhook::{self, WebhookOutcome},
};
use crate::{
    IntegrationsError,
    razorpay::{Razorpay, RazorpayConfig},
};

/// The shared payment machinery's state.
#[derive(Clone)]
pub struct Payments {
    /// Database and tenants.
    pub ctx: AppContext,
    /// Queues (wakes the outbox relay after a capture).
    pub jobs: jobs::Jobs,
    /// Razorpay, when configured (else every payment route answers 503).
    pub razorpay: Option<Razorpay>,
    /// The products that sell through Razorpay.
    pub products: Arc<PaymentProducts>,
}

impl std::fmt::Debug for Payments {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Payments")
            .field("razorpay", &self.razorpay)
            .field("products", &self.products)
            .finish_non_exhaustive()
    }
}

impl Payments {
    /// Builds the state; missing Razorpay keys disable payments, nothing else.
    pub fn new(
        ctx: &AppContext,
        jobs: &jobs::Jobs,
        config: &RazorpayConfig,
        products: PaymentProducts,
    ) -> anyhow::Result<Self> {
        let razorpay = Razorpay::from_config(config, crate::http_client()?);
        if razorpay.is_none() {
            tracing::info!("Razorpay keys not set: payments answer 503 provider_not_configured");
        }
        Ok(Self {
            ctx: ctx.clone(),
            jobs: jobs.clone(),
            razorpay,
            products: Arc::new(products),
        })
    }

    /// The client, or 503 `provider_not_configured`.
    pub fn razorpay(&self) -> Result<&Razorpay, AppError> {
        self.razorpay
            .as_ref()
            .ok_or_else(|| AppError::provider_not_configured("Razorpay"))
    }

    /// A product route's checkout verification: 400 `invalid_signature` unless Razorpay
    /// signed this order and payment, 404 unless the order is the caller's order of
    /// `product` on this platform; then captures it once (nothing when the webhook came
    /// first).
    pub async fn verify_checkout(
        &self,
        product: &dyn PaymentProduct,
        tenant: &Tenant,
        user_id: Uuid,
        checkout: &CheckoutVerification,
    ) -> Result<Captured, AppError> {
        let rzp = self.razorpay()?;
        if !rzp.verify_checkout(
            &checkout.razorpay_order_id,
            &checkout.razorpay_payment_id,
            &checkout.razorpay_signature,
        ) {
            return Err(IntegrationsError::InvalidCheckoutSignature.into());
        }
        let captured = capture::verify(
            &self.ctx.db,
            product,
            tenant,
            user_id,
            &checkout.razorpay_order_id,
            &checkout.razorpay_payment_id,
        )
        .await?;
        if captured.changed {
            self.jobs.notify_committed();
        }
        Ok(captured)
    }

    /// A webhook delivery: 401 `invalid_webhook_signature` unless `signature` is the HMAC
    /// of the raw `body`; then the event applied once per event id.
    pub async fn webhook(
        &self,
        body: &[u8],
        signature: &str,
        event_id: Option<String>,
    ) -> Result<WebhookOutcome, AppError> {
        let rzp = self.razorpay()?;
        if !rzp.verify_webhook(body, signature) {
            return Err(AppError::new(
                &kernel::error::codes::INVALID_WEBHOOK_SIGNATURE,
                "X-Razorpay-Signature does not match the body",
            ));
        }
        let event: Value = kernel::extract::parse_json(body)?;
        let name = event["event"].as_str().unwrap_or_default().to_owned();
        let key = webhook::event_key(event_id, &name, &event);
        let outcome = webhook::apply(&self.ctx, &self.products, &key, &name, &event).await?;
        if matches!(outcome, WebhookOutcome::Credited | WebhookOutcome::Recorded) {
            self.jobs.notify_committed();
        }
        Ok(outcome)
    }
}

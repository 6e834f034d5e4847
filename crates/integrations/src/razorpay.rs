//! Razorpay: orders for the checkout, the checkout signature, and webhook signatures.
//! Creating an order is not idempotent at Razorpay, so it is never retried here; a caller
//! that gives up creates a new order (an unpaid order costs nothing).

use kernel::config::{ConfigError, Env};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::provider::{ProviderError, read_json};

const PROVIDER: &str = "Razorpay";

/// Razorpay (every product's payments, [`crate::payments`]); without keys the payment routes
/// fail closed (503).
#[derive(Clone)]
pub struct RazorpayConfig {
    /// `RAZORPAY_API_BASE`: API base URL (default `https://api.razorpay.com`; tests use wiremock).
    pub api_base: String,
    /// `RAZORPAY_KEY_ID`: the public key id, also handed to the checkout.
    pub key_id: Option<String>,
    /// `RAZORPAY_KEY_SECRET`: API secret; also the HMAC key of checkout signatures.
    pub key_secret: Option<SecretString>,
    /// `RAZORPAY_WEBHOOK_SECRET`: HMAC key of `X-Razorpay-Signature` on webhooks.
    pub webhook_secret: Option<SecretString>,
}

impl RazorpayConfig {
    /// Reads `RAZORPAY_*`.
    pub fn from_env(env: &Env<'_>) -> Result<Self, ConfigError> {
        Ok(Self {
            api_base: env.url("RAZORPAY_API_BASE", "https://api.razorpay.com"),
            key_id: env.get("RAZORPAY_KEY_ID"),
            key_secret: env.secret("RAZORPAY_KEY_SECRET")?,
            webhook_secret: env.secret("RAZORPAY_WEBHOOK_SECRET")?,
        })
    }

    /// Whether orders can be created and checkouts verified.
    pub fn configured(&self) -> bool {
        self.key_id.is_some() && self.key_secret.is_some()
    }
}

impl std::fmt::Debug for RazorpayConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RazorpayConfig")
            .field("api_base", &self.api_base)
            .field("key_id", &self.key_id)
            .field("configured", &self.configured())
            .field("webhook_secret_set", &self.webhook_secret.is_some())
            .finish_non_exhaustive()
    }
}

/// The Razorpay client of a deployment with keys.
#[derive(Clone)]
pub struct Razorpay {
    http: reqwest::Client,
    api_base: String,
    key_id: String,
    key_secret: SecretString,
    webhook_secret: Option<SecretString>,
}

impl std::fmt::Debug for Razorpay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Razorpay")
            .field("api_base", &self.api_base)
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

/// An order as Razorpay returns it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Order {
    /// `order_...`.
    pub id: String,
    /// Amount in paise.
    pub amount: i64,
    /// ISO currency.
    pub currency: String,
    /// Our reference (the local order id).
    #[serde(default)]
    pub receipt: Option<String>,
    /// `created`, `attempted`, `paid`.
    pub status: String,
}

/// A payment as Razorpay returns it (`GET /v1/orders/{id}/payments`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Payment {
    /// `pay_...`.
    pub id: String,
    /// The order it pays (`order_...`).
    #[serde(default)]
    pub order_id: Option<String>,
    /// Amount in paise.
    pub amount: i64,
    /// ISO currency.
    pub currency: String,
    /// `created`, `authorized`, `captured`, `refunded`, `failed`.
    pub status: String,
    /// Whether the payment was captured.
    #[serde(default)]
    pub captured: bool,
    /// Paise refunded so far.
    #[serde(default)]
    pub amount_refunded: i64,
    /// `card`, `upi`, `netbanking`, …
    #[serde(default)]
    pub method: Option<String>,
    /// Why it failed, for `failed`.
    #[serde(default)]
    pub error_description: Option<String>,
    /// Unix seconds.
    #[serde(default)]
    pub created_at: i64,
}

/// A refund as Razorpay returns it (`POST /v1/payments/{id}/refund`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Refund {
    /// `rfnd_...`.
    pub id: String,
    /// Amount refunded in paise.
    pub amount: i64,
    /// ISO currency.
    #[serde(default)]
    pub currency: String,
    /// The payment refunded (`pay_...`).
    #[serde(default)]
    pub payment_id: String,
    /// `pending`, `processed` or `failed`.
    #[serde(default)]
    pub status: String,
}

/// One line of Razorpay's settlement reconciliation (`GET /v1/settlements/recon/combined`):
/// a payment, refund or adjustment with what Razorpay kept (its fee, GST included, and the GST
/// on it) and the settlement it went into. Amounts in paise; Razorpay sends `null` for the
/// fields a kind of line does not have.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ReconItem {
    /// `pay_...`, `rfnd_...`, `adj_...`.
    pub entity_id: String,
    /// `payment`, `refund`, `adjustment`, `transfer`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// The line's amount.
    #[serde(default)]
    pub amount: Option<i64>,
    /// Razorpay's fee, GST included.
    #[serde(default)]
    pub fee: Option<i64>,
    /// The GST in `fee`.
    #[serde(default)]
    pub tax: Option<i64>,
    /// ISO currency.
    #[serde(default)]
    pub currency: Option<String>,
    /// Whether it was settled.
    #[serde(default)]
    pub settled: Option<bool>,
    /// `setl_...`.
    #[serde(default)]
    pub settlement_id: Option<String>,
    /// When it was settled (Unix seconds).
    #[serde(default)]
    pub settled_at: Option<i64>,
    /// The payment a refund belongs to.
    #[serde(default)]
    pub payment_id: Option<String>,
}

/// A Razorpay collection (`{entity: "collection", count, items}`).
#[derive(Debug, Clone, Deserialize)]
struct Collection<T> {
    items: Vec<T>,
}

impl Razorpay {
    /// The client, or `None` when the keys are not configured (purchases fail closed).
    pub fn from_config(config: &RazorpayConfig, http: reqwest::Client) -> Option<Self> {
        Some(Self {
            http,
            api_base: config.api_base.clone(),
            key_id: config.key_id.clone()?,
            key_secret: config.key_secret.clone()?,
            webhook_secret: config.webhook_secret.clone(),
        })
    }

    /// The public key id the checkout needs.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Creates an order (`POST /v1/orders`).
    pub async fn create_order(
        &self,
        amount_paise: i64,
        currency: &str,
        receipt: &str,
        notes: Value,
    ) -> Result<Order, ProviderError> {
        let res = self
            .http
            .post(format!("{}/v1/orders", self.api_base))
            .basic_auth(&self.key_id, Some(self.key_secret.expose_secret()))
            .json(&serde_json::json!({
                "amount": amount_paise,
                "currency": currency,
                "receipt": receipt,
                "notes": notes,
            }))
            .send()
            .await
            .map_err(|e| ProviderError::transport(PROVIDER, e))?;
        let body = read_json(PROVIDER, res, "/error/description").await?;
        serde_json::from_value(body).map_err(|e| ProviderError::Body {
            provider: PROVIDER,
            message: format!("order: {e}"),
        })
    }

    /// Every payment attempt of an order (`GET /v1/orders/{id}/payments`), for the daily
    /// reconciliation. A read, so a caller may retry it.
    pub async fn fetch_order_payments(
        &self,
        razorpay_order_id: &str,
    ) -> Result<Vec<Payment>, ProviderError> {
        // ids come from our rows, but a path segment is encoded all the same
        let id = kernel::text::percent_encode(razorpay_order_id);
        let res = self
            .http
            .get(format!("{}/v1/orders/{id}/payments", self.api_base))
            .basic_auth(&self.key_id, Some(self.key_secret.expose_secret()))
            .send()
            .await
            .map_err(|e| ProviderError::transport(PROVIDER, e))?;
        let body = read_json(PROVIDER, res, "/error/description").await?;
        serde_json::from_value::<Collection<Payment>>(body)
            .map(|c| c.items)
            .map_err(|e| ProviderError::Body {
                provider: PROVIDER,
                message: format!("order payments: {e}"),
            })
    }

    /// Refunds `amount_paise` of a captured payment (`POST /v1/payments/{id}/refund`; the id
    /// is encoded as a path segment like the order's).
    /// `receipt` is our refund's id (Razorpay keeps it on the refund, for matching). Not
    /// retried here: a caller that cannot tell whether it went through reconciles instead.
    pub async fn refund_payment(
        &self,
        payment_id: &str,
        amount_paise: i64,
        receipt: &str,
        notes: Value,
    ) -> Result<Refund, ProviderError> {
        let id = kernel::text::percent_encode(payment_id);
        let res = self
            .http
            .post(format!("{}/v1/payments/{id}/refund", self.api_base))
            .basic_auth(&self.key_id, Some(self.key_secret.expose_secret()))
            .json(&serde_json::json!({
                "amount": amount_paise,
                "receipt": receipt,
                "notes": notes,
            }))
            .send()
            .await
            .map_err(|e| ProviderError::transport(PROVIDER, e))?;
        let body = read_json(PROVIDER, res, "/error/description").await?;
        serde_json::from_value(body).map_err(|e| ProviderError::Body {
            provider: PROVIDER,
            message: format!("refund: {e}"),
        })
    }

    /// Every line of the settlement reconciliation of one day (`year`, `month`, `day` as
    /// Razorpay reads them), fetched in pages of 100 (`count`/`skip`), at most 10,000 lines.
    pub async fn settlement_recon(
        &self,
        year: i32,
        month: u32,
        day: u32,
    ) -> Result<Vec<ReconItem>, ProviderError> {
        const PAGE: usize = 100;
        let mut all = Vec::new();
        for page in 0..100 {
            let res = self
                .http
                .get(format!("{}/v1/settlements/recon/combined", self.api_base))
                .basic_auth(&self.key_id, Some(self.key_secret.expose_secret()))
                .query(&[
                    ("year", year.to_string()),
                    ("month", month.to_string()),
                    ("day", day.to_string()),
                    ("count", PAGE.to_string()),
                    ("skip", (page * PAGE).to_string()),
                ])
                .send()
                .await
                .map_err(|e| ProviderError::transport(PROVIDER, e))?;
            let body = read_json(PROVIDER, res, "/error/description").await?;
            let items = serde_json::from_value::<Collection<ReconItem>>(body)
                .map(|c| c.items)
                .map_err(|e| ProviderError::Body {
                    provider: PROVIDER,
                    message: format!("settlement recon: {e}"),
                })?;
            let last = items.len() < PAGE;
            all.extend(items);
            if last {
                break;
            }
        }
        Ok(all)
    }

    /// Whether a checkout's `razorpay_signature` is Razorpay's HMAC-SHA256 of
    /// `order_id|payment_id` under the key secret.
    pub fn verify_checkout(&self, order_id: &str, payment_id: &str, signature: &str) -> bool {
        kernel::crypto::verify_hmac_sha256_hex(
            self.key_secret.expose_secret().as_bytes(),
            format!("{order_id}|{payment_id}").as_bytes(),
            signature,
        )
    }

    /// Whether `X-Razorpay-Signature` is the HMAC-SHA256 of the raw webhook body under the
    /// webhook secret; always false without a webhook secret.
    pub fn verify_webhook(&self, body: &[u8], signature: &str) -> bool {
        self.webhook_secret.as_ref().is_some_and(|secret| {
            kernel::crypto::verify_hmac_sha256_hex(
                secret.expose_secret().as_bytes(),
                body,
                signature,
            )
        })
    }
}

/// What a Razorpay webhook event says about a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentEvent {
    /// `payment.captured`, `payment.failed`, …
    pub event: String,
    /// `pay_...`.
    pub payment_id: String,
    /// `order_...`.
    pub order_id: String,
    /// Amount in paise.
    pub amount: i64,
    /// ISO currency.
    pub currency: String,
    /// The provider's failure description, for `payment.failed`.
    pub error: Option<String>,
}

impl PaymentEvent {
    /// Reads a webhook body; `None` for events without a payment entity.
    pub fn parse(body: &Value) -> Option<Self> {
        let entity = body.pointer("/payload/payment/entity")?;
        Some(Self {
            event: body.get("event")?.as_str()?.to_owned(),
            payment_id: entity.get("id")?.as_str()?.to_owned(),
            order_id: entity.get("order_id")?.as_str()?.to_owned(),
            amount: entity.get("amount")?.as_i64()?,
            currency: entity.get("currency")?.as_str()?.to_owned(),
            error: entity
                .get("error_description")
                .and_then(Value::as_str)
                .map(str::to_owned),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(webhook: Option<&str>) -> Razorpay {
        let config = RazorpayConfig {
            api_base: "http://127.0.0.1:9".into(),
            key_id: Some("rzp_test_key".into()),
            key_secret: Some(SecretString::from("key-secret")),
            webhook_secret: webhook.map(SecretString::from),
        };
        Razorpay::from_config(&config, reqwest::Client::new()).unwrap()
    }

    #[test]
    fn checkout_signatures_are_hmacs_of_order_and_payment() {
        let rzp = client(None);
        let good = kernel::crypto::hmac_sha256_hex(b"key-secret", b"order_1|pay_1");
        assert!(rzp.verify_checkout("order_1", "pay_1", &good));
        assert!(!rzp.verify_checkout("order_1", "pay_2", &good));
        assert!(!rzp.verify_checkout("order_1", "pay_1", "forged"));
    }

    #[test]
    fn webhooks_need_the_webhook_secret() {
        let body = br#"{"event":"payment.captured"}"#;
        let sig = kernel::crypto::hmac_sha256_hex(b"hook-secret", body);
        assert!(client(Some("hook-secret")).verify_webhook(body, &sig));
        assert!(!client(Some("other")).verify_webhook(body, &sig));
        assert!(!client(None).verify_webhook(body, &sig));
    }

    #[test]
    fn payment_events_are_read_from_the_entity() {
        let body = serde_json::json!({
            "event": "payment.failed",
            "payload": {"payment": {"entity": {
                "id": "pay_9", "order_id": "order_9", "amount": 49_900, "currency": "INR",
                "error_description": "card declined"
            }}}
        });
        let e = PaymentEvent::parse(&body).unwrap();
        assert_eq!(e.payment_id, "pay_9");
        assert_eq!(e.order_id, "order_9");
        assert_eq!(e.amount, 49_900);
        assert_eq!(e.error.as_deref(), Some("card declined"));
        assert!(PaymentEvent::parse(&serde_json::json!({"event": "order.paid"})).is_none());
    }

    fn cfg(pairs: &[(&str, &str)]) -> Result<RazorpayConfig, ConfigError> {
        RazorpayConfig::from_env(&Env::from_pairs(pairs))
    }

    #[test]
    fn config_defaults_match_the_contract() {
        let c = cfg(&[]).unwrap();
        assert_eq!(c.api_base, "https://api.razorpay.com");
        assert!(!c.configured());
        let c = cfg(&[
            ("RAZORPAY_API_BASE", "http://127.0.0.1:9/"),
            ("RAZORPAY_KEY_ID", "rzp_test_1"),
            ("RAZORPAY_KEY_SECRET", "rzp-secret-1"),
        ])
        .unwrap();
        assert_eq!(c.api_base, "http://127.0.0.1:9");
        assert!(c.configured());
    }

    #[test]
    fn bad_config_values_name_the_variable() {
        let dir = std::env::temp_dir().join(format!("rzp-config-{}", uuid::Uuid::now_v7()));
        let missing = dir.join("razorpay-secret");
        let err = cfg(&[("RAZORPAY_KEY_SECRET_FILE", missing.to_str().unwrap_or("x"))])
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("RAZORPAY_KEY_SECRET_FILE:"), "{err}");
    }

    #[test]
    fn config_secrets_never_print() {
        let c = cfg(&[
            ("RAZORPAY_KEY_ID", "rzp_test_1"),
            ("RAZORPAY_KEY_SECRET", "rzp-secret-1"),
            ("RAZORPAY_WEBHOOK_SECRET", "rzp-hook-2"),
        ])
        .unwrap();
        let printed = format!(
            "{c:?} {:?}",
            Razorpay::from_config(&c, reqwest::Client::new())
        );
        assert!(printed.contains("rzp_test_1"), "{printed}");
        assert!(!printed.contains("rzp-secret-1"), "{printed}");
        assert!(!printed.contains("rzp-hook-2"), "{printed}");
    }

    #[test]
    fn unconfigured_keys_disable_the_client() {
        let config = RazorpayConfig {
            api_base: String::new(),
            key_id: None,
            key_secret: None,
            webhook_secret: None,
        };
        assert!(Razorpay::from_config(&config, reqwest::Client::new()).is_none());
    }
}

//! Payments, written once for every product that sells something (token packs, course
//! enrollments, later more): the Razorpay client (built once, [`Payments`]), the checkout
//! verification ([`Payments::verify_checkout`]), the webhook `POST /api/webhooks/razorpay`
//! (signature over the raw body, dedupe on the event id in `razorpay_events`,
//! [`webhook::apply`]) and the domain events `payment.captured` / `refund.processed`
//! ([`events`]) that finance turns into invoices and credit notes.
//!
//! A product crate implements [`PaymentProduct`] for its orders table (how to lock an order by
//! its Razorpay id, what a capture delivers, how a failure is recorded) and the gateway
//! registers it in `gateway::app::payment_products`. Whichever of the checkout verification
//! and the webhook arrives first captures; the other changes nothing. No product crate imports
//! another to take money (docs/adr/0043-shared-payments.md).

pub mod capture;
pub mod dto;
pub mod events;
pub mod product;
mod state;
pub mod webhook;

pub use capture::Captured;
pub use dto::CheckoutVerification;
pub use events::{PaymentCaptured, RefundProcessed};
pub use product::{
    CapturedItem, PayableOrder, PaymentFuture, PaymentProduct, PaymentProducts, RefundInfo,
};
pub use state::Payments;
pub use webhook::WebhookOutcome;

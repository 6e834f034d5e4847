//! The checkout's answer, the same for every product's verify route.

use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

/// What Razorpay's checkout hands the browser after a payment, posted to the product's
/// verify route.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct CheckoutVerification {
    /// `order_...`.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub razorpay_order_id: String,
    /// `pay_...`.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub razorpay_payment_id: String,
    /// Hex HMAC from the checkout.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub razorpay_signature: String,
}

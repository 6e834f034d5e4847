//! Bodies of course orders.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::entities::course_orders::{self, OrderStatus};

/// Buy a course.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct NewCourseOrder {
    /// A published course with a price.
    pub course_id: Uuid,
    /// A batch of the course to be seated in when the payment is captured (no seat left
    /// then: enrolled without a batch).
    pub batch_id: Option<Uuid>,
}

/// A course order.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CourseOrderDto {
    /// Our order id (the Razorpay receipt).
    pub id: Uuid,
    /// Course.
    pub course_id: Uuid,
    /// What the order charges, in paise: the course's price when the order was placed, GST
    /// included (added when the price is stated exclusive of it).
    pub amount_paise: i64,
    /// ISO currency.
    pub currency: String,
    /// Whether the price includes GST.
    pub gst_inclusive: bool,
    /// Razorpay's order id.
    pub razorpay_order_id: String,
    /// `initiated`, `captured`, `failed`, `expired`, `refunded`.
    pub status: OrderStatus,
    /// The enrolment the capture made, or found when the buyer was enrolled already.
    pub enrollment_id: Option<Uuid>,
    /// Why the last payment attempt failed, why the order expired (`superseded: …`), or, on
    /// a captured or refunded order, that the buyer was enrolled already and this payment is
    /// refunded (`paid twice: …`).
    pub failure_reason: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Captured.
    pub captured_at: Option<DateTime<Utc>>,
}

impl From<course_orders::Model> for CourseOrderDto {
    fn from(o: course_orders::Model) -> Self {
        Self {
            id: o.id,
            course_id: o.course_id,
            amount_paise: o.amount_paise,
            currency: o.currency,
            gst_inclusive: o.gst_inclusive,
            razorpay_order_id: o.razorpay_order_id,
            status: o.status,
            enrollment_id: o.enrollment_id,
            failure_reason: o.failure_reason,
            created_at: o.created_at,
            captured_at: o.captured_at,
        }
    }
}

/// A placed order with what Razorpay's checkout needs.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PlacedOrder {
    /// Our order id.
    pub order_id: Uuid,
    /// Razorpay's order id (the checkout's `order_id`).
    pub razorpay_order_id: String,
    /// What the checkout charges, in paise (GST included).
    pub amount_paise: i64,
    /// ISO currency.
    pub currency: String,
    /// Razorpay key id for the checkout.
    pub key_id: String,
    /// The course.
    pub course_id: Uuid,
    /// `initiated`.
    pub status: OrderStatus,
}

impl PlacedOrder {
    /// The answer for an order.
    pub fn new(o: course_orders::Model, key_id: String) -> Self {
        Self {
            order_id: o.id,
            razorpay_order_id: o.razorpay_order_id,
            amount_paise: o.amount_paise,
            currency: o.currency,
            key_id,
            course_id: o.course_id,
            status: o.status,
        }
    }
}

/// The caller's orders.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CourseOrderList {
    /// Orders, newest first.
    pub items: Vec<CourseOrderDto>,
    /// Always null.
    pub next_cursor: Option<String>,
}

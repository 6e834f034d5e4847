//! The refunds applied to a course order, one row per (order, Razorpay refund id) (ADR 0094):
//! `lms::service::orders` inserts it first in the webhook's transaction and does nothing more
//! when it was already there, so the same refund delivered again under another event id counts
//! once, and partial refunds that add up to the order's amount withdraw the enrolment as one
//! full refund does.

crate::sql_migration! {
    up: r#"
        CREATE TABLE course_order_refunds (
            order_id      uuid NOT NULL REFERENCES course_orders (id),
            refund_id     text NOT NULL CHECK (length(refund_id) BETWEEN 1 AND 200),
            platform_id   uuid NOT NULL REFERENCES platforms (id),
            amount_paise  bigint NOT NULL CHECK (amount_paise > 0),
            created_at    timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (order_id, refund_id)
        );
    "#,
    down: r#"
        DROP TABLE course_order_refunds;
    "#,
}

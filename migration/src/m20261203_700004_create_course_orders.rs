//! `course_orders`: a course bought through Razorpay, a state machine
//! (`initiated` -> `captured` | `failed` | `expired`; `captured` -> `refunded`). A captured
//! order names the enrolment it made (the capture and the enrolment commit together). At most
//! one `initiated` order per user and course (a second "buy" gets the open one back, so no
//! duplicate payment rows), and one order per Razorpay order id.

crate::sql_migration! {
    up: r#"
        CREATE TABLE course_orders (
            id                  uuid PRIMARY KEY,
            platform_id         uuid NOT NULL REFERENCES platforms (id),
            user_id             uuid NOT NULL REFERENCES users (id),
            course_id           uuid NOT NULL REFERENCES courses (id),
            batch_id            uuid REFERENCES batches (id),
            amount_paise        bigint NOT NULL CHECK (amount_paise > 0),
            currency            text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
            gst_inclusive       boolean NOT NULL,
            razorpay_order_id   text NOT NULL CHECK (length(razorpay_order_id) BETWEEN 1 AND 64),
            razorpay_payment_id text CHECK (length(razorpay_payment_id) BETWEEN 1 AND 64),
            status              text NOT NULL DEFAULT 'initiated'
                                CHECK (status IN ('initiated', 'captured', 'failed', 'expired', 'refunded')),
            failure_reason      text CHECK (length(failure_reason) <= 500),
            enrollment_id       uuid REFERENCES enrollments (id),
            created_at          timestamptz NOT NULL DEFAULT now(),
            updated_at          timestamptz NOT NULL DEFAULT now(),
            captured_at         timestamptz,
            CONSTRAINT course_orders_razorpay_unique UNIQUE (razorpay_order_id),
            CHECK ((status IN ('captured', 'refunded')) = (enrollment_id IS NOT NULL AND captured_at IS NOT NULL AND razorpay_payment_id IS NOT NULL))
        );
        CREATE UNIQUE INDEX course_orders_one_open ON course_orders (platform_id, user_id, course_id)
            WHERE status = 'initiated';
        CREATE INDEX course_orders_initiated_age ON course_orders (created_at) WHERE status = 'initiated';
        CREATE INDEX course_orders_user ON course_orders (user_id, platform_id, created_at);
    "#,
    down: r#"
        DROP TABLE course_orders;
    "#,
}

//! `invoices.email_queued_at` (ADR 0080): when the invoice's email (`send-invoice`) was queued.
//! The email of an e-invoiced invoice waits for its IRN; whichever of the IRN's answer and the
//! end of the wait (`EINVOICE_EMAIL_WAIT_SECS`) comes first claims this column and queues the
//! email, so it goes once. Invoices issued before this migration had theirs queued at issue.

crate::sql_migration! {
    up: r#"
        ALTER TABLE invoices ADD COLUMN email_queued_at timestamptz;
        UPDATE invoices SET email_queued_at = issued_at;
    "#,
    down: r#"
        ALTER TABLE invoices DROP COLUMN email_queued_at;
    "#,
}

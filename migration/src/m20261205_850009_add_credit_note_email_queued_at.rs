//! `credit_notes.email_queued_at` (ADR 0089): when the credit note's email
//! (`send-credit-note`) was queued. Like an invoice's (ADR 0080), the email of an e-invoiced
//! credit note waits for its IRN; whichever of the IRN's answer and the end of the wait comes
//! first claims this column and queues the email, so it goes once. Notes issued before this
//! migration were never emailed: they count as queued (nobody is mailed months later).

crate::sql_migration! {
    up: r#"
        ALTER TABLE credit_notes ADD COLUMN email_queued_at timestamptz;
        UPDATE credit_notes SET email_queued_at = issued_at;
    "#,
    down: r#"
        ALTER TABLE credit_notes DROP COLUMN email_queued_at;
    "#,
}

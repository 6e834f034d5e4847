//! Which GST document: an invoice or a credit note.

use uuid::Uuid;

/// A GST document given to the buyer: printed, e-invoiced, emailed (an e-invoiced one's
/// email waits for its IRN: ADR 0080, 0089).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Document {
    /// An invoice (`INV`, `send-invoice`).
    Invoice(Uuid),
    /// A credit note (`CRN`, `send-credit-note`).
    CreditNote(Uuid),
}

//! Domain events finance publishes through the outbox (ids and figures only: no names,
//! GSTINs or addresses).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `invoice.issued`: an invoice was numbered and written (once per paid order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceIssued {
    /// The invoice.
    pub invoice_id: Uuid,
    /// Its number.
    pub number: String,
    /// The paid order.
    pub order_id: Uuid,
    /// The buyer.
    pub user_id: Uuid,
    /// Invoice value in paise.
    pub total_paise: i64,
}

impl jobs::EventSpec for InvoiceIssued {
    const NAME: &'static str = "invoice.issued";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

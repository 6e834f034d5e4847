//! The invoice and credit-note emails: `send-invoice` and `send-credit-note` on `emailQueue`,
//! queued through the outbox in the document's own transaction (or, for an e-invoiced one,
//! when its IRN arrives or the wait for it ends) and carrying the document's id only. The handler resolves the
//! buyer's address at send time (an address changed after the purchase is the one used; a
//! deleted account gets nothing), takes the PDF from storage (rendering and storing it on
//! first use, [`super::documents::invoice_pdf`]) and sends it through comms' [`Mailer`] as an
//! attachment. No address, name or PDF ever sits in Redis.

use comms::email::{Attachment, Mailer, SendError, render};
use jobs::{JobError, JobSpec};
use kernel::Tenant;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, TransactionTrait};
use serde::{Deserialize, Serialize};
use serde_json::json;
use storage::Storage;
use uuid::Uuid;

use crate::{Document, FinanceError, service};

/// `send-invoice`: email invoice `invoice_id` to its buyer (ids only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceEmail {
    /// The invoice.
    pub invoice_id: Uuid,
}

impl JobSpec for InvoiceEmail {
    const QUEUE: &'static str = "emailQueue";
    const NAME: &'static str = "send-invoice";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// `finance-invoice-email-due` (`databaseQueue`, delayed by `EINVOICE_EMAIL_WAIT_SECS`): the
/// email of an e-invoiced invoice goes now if its IRN has not released it yet (ids only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceEmailDue {
    /// The invoice.
    pub invoice_id: Uuid,
}

impl JobSpec for InvoiceEmailDue {
    const QUEUE: &'static str = "databaseQueue";
    const NAME: &'static str = "finance-invoice-email-due";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// Queues the document's email in `txn`, once: the first of the document's transaction (B2C,
/// an invalid e-invoice), the IRN's answer (generated or rejected) and the wait's end claims
/// its `email_queued_at`; the others find it taken. Whether it queued.
pub async fn release_in<C: ConnectionTrait>(
    txn: &C,
    tenant: &Tenant,
    doc: Document,
) -> Result<bool, FinanceError> {
    let (sql, id) = match doc {
        Document::Invoice(id) => (
            "UPDATE invoices SET email_queued_at = now()
              WHERE id = $1 AND platform_id = $2 AND email_queued_at IS NULL",
            id,
        ),
        Document::CreditNote(id) => (
            "UPDATE credit_notes SET email_queued_at = now()
              WHERE id = $1 AND platform_id = $2 AND email_queued_at IS NULL",
            id,
        ),
    };
    let claimed = txn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            [id.into(), tenant.id.into()],
        ))
        .await?
        .rows_affected()
        == 1;
    if claimed {
        match doc {
            Document::Invoice(invoice_id) => {
                jobs::outbox::enqueue_in(txn, tenant, &InvoiceEmail { invoice_id }).await?;
            }
            Document::CreditNote(credit_note_id) => {
                jobs::outbox::enqueue_in(txn, tenant, &CreditNoteEmail { credit_note_id }).await?;
            }
        }
    }
    Ok(claimed)
}

/// The document's email in its own transaction `txn`: held for its IRN when `irn_asked` (its
/// e-invoice was queued; the `*-email-due` job after `EINVOICE_EMAIL_WAIT_SECS`), else
/// queued now.
pub async fn queue_in<C: ConnectionTrait>(
    txn: &C,
    config: &crate::config::FinanceConfig,
    tenant: &Tenant,
    doc: Document,
    irn_asked: bool,
) -> Result<(), FinanceError> {
    let wait = config.einvoice.email_wait;
    if !irn_asked || wait.is_zero() {
        return release_in(txn, tenant, doc).await.map(drop);
    }
    match doc {
        Document::Invoice(invoice_id) => {
            jobs::outbox::enqueue_delayed_in(txn, tenant, &InvoiceEmailDue { invoice_id }, wait)
                .await?;
        }
        Document::CreditNote(credit_note_id) => {
            let due = CreditNoteEmailDue { credit_note_id };
            jobs::outbox::enqueue_delayed_in(txn, tenant, &due, wait).await?;
        }
    }
    Ok(())
}

/// The wait is over (the `*-email-due` job): queues the email unless the IRN's answer did.
pub async fn release_due(
    db: &DatabaseConnection,
    tenant: &Tenant,
    doc: Document,
) -> Result<bool, FinanceError> {
    let txn = db.begin().await?;
    let queued = release_in(&txn, tenant, doc).await?;
    txn.commit().await?;
    if queued {
        tracing::info!(?doc, "document email sent without its IRN (wait over)");
    }
    Ok(queued)
}

/// What [`send`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    /// Mailed with the PDF attached.
    Sent,
    /// The buyer's account is gone (or has no address): nothing to send.
    NoRecipient,
}

/// Rupees from paise for the message text (`4,999.00` style is the PDF's; the mail says
/// `Rs 4999.00`).
fn rupees(paise: i64) -> String {
    format!("Rs {}", kernel::money::rupees(paise))
}

fn retry(e: FinanceError) -> JobError {
    match e {
        FinanceError::NotFound(_) => JobError::Permanent(anyhow::Error::new(e)),
        e => JobError::Retry(anyhow::Error::new(e)),
    }
}

/// The buyer's current address and name (`None`: the account is gone or has no address).
async fn recipient(
    db: &DatabaseConnection,
    tenant: &Tenant,
    user_id: Uuid,
) -> Result<Option<(String, String)>, JobError> {
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT email, full_name FROM users WHERE id = $1 AND platform_id = $2",
            [user_id.into(), tenant.id.into()],
        ))
        .await
        .map_err(|e| JobError::Retry(anyhow::Error::new(e)))?;
    let Some(row) = row else {
        return Ok(None);
    };
    let email: String = row
        .try_get("", "email")
        .map_err(|e| JobError::Retry(anyhow::Error::new(e)))?;
    if email.trim().is_empty() {
        return Ok(None);
    }
    Ok(Some((
        email,
        row.try_get("", "full_name").unwrap_or_default(),
    )))
}

/// A PDF mailed to one address in the `generic` template.
struct PdfMail {
    to: String,
    name: String,
    subject: String,
    body: String,
    filename: String,
    pdf: Vec<u8>,
}

async fn mail_pdf(mailer: &Mailer, tenant: &Tenant, m: PdfMail) -> Result<Sent, JobError> {
    let rendered = render(
        "generic",
        &tenant.slug,
        &json!({"subject": m.subject, "body": m.body, "name": m.name}),
        mailer.base_url(),
    )
    .map_err(|e| JobError::Permanent(anyhow::Error::new(e)))?;
    let attachment = Attachment {
        filename: m.filename,
        content_type: "application/pdf".into(),
        body: m.pdf,
    };
    mailer
        .send_with(&m.to, &rendered, &[attachment])
        .await
        .map_err(|e| match e {
            SendError::Transient(_) => JobError::Retry(anyhow::Error::new(e)),
            SendError::InvalidAddress(_) | SendError::Rejected(_) => {
                JobError::Permanent(anyhow::Error::new(e))
            }
        })?;
    Ok(Sent::Sent)
}

/// Sends invoice `invoice_id` of `tenant` to its buyer's current address.
pub async fn send(
    db: &DatabaseConnection,
    storage: &Storage,
    mailer: &Mailer,
    tenant: &Tenant,
    invoice_id: Uuid,
) -> Result<Sent, JobError> {
    let invoice = service::invoices::get(db, tenant.id, None, invoice_id)
        .await
        .map_err(retry)?;
    let Some((to, name)) = recipient(db, tenant, invoice.customer.user_id).await? else {
        return Ok(Sent::NoRecipient);
    };
    let (filename, pdf) = service::documents::invoice_pdf(db, storage, tenant, None, invoice_id)
        .await
        .map_err(retry)?;
    let body = format!(
        "Thank you for your payment of {} for {}. Your GST tax invoice {} is attached.",
        rupees(invoice.total_paise),
        invoice
            .lines
            .first()
            .map_or("your purchase", |l| l.description.as_str()),
        invoice.number,
    );
    let m = PdfMail {
        to,
        name,
        subject: format!("Your tax invoice {}", invoice.number),
        body,
        filename,
        pdf,
    };
    mail_pdf(mailer, tenant, m).await
}

/// `send-credit-note`: email credit note `credit_note_id` to the buyer of the invoice it
/// reduces (ids only; the address is read at send time, the PDF rendered then, with its IRN
/// when the IRP has answered by then).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditNoteEmail {
    /// The credit note.
    pub credit_note_id: Uuid,
}

impl JobSpec for CreditNoteEmail {
    const QUEUE: &'static str = "emailQueue";
    const NAME: &'static str = "send-credit-note";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// `finance-credit-note-email-due` (`databaseQueue`, delayed by `EINVOICE_EMAIL_WAIT_SECS`):
/// the email of an e-invoiced credit note goes now if its IRN has not released it yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditNoteEmailDue {
    /// The credit note.
    pub credit_note_id: Uuid,
}

impl JobSpec for CreditNoteEmailDue {
    const QUEUE: &'static str = "databaseQueue";
    const NAME: &'static str = "finance-credit-note-email-due";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// Sends credit note `credit_note_id` of `tenant` to the buyer's current address.
pub async fn send_credit_note(
    db: &DatabaseConnection,
    mailer: &Mailer,
    tenant: &Tenant,
    credit_note_id: Uuid,
) -> Result<Sent, JobError> {
    let note = service::documents::credit_note(db, tenant.id, credit_note_id)
        .await
        .map_err(retry)?;
    let invoice = service::invoices::get(db, tenant.id, None, note.invoice_id)
        .await
        .map_err(retry)?;
    let Some((to, name)) = recipient(db, tenant, invoice.customer.user_id).await? else {
        return Ok(Sent::NoRecipient);
    };
    let (filename, pdf) = service::documents::credit_note_pdf(db, tenant, None, credit_note_id)
        .await
        .map_err(retry)?;
    let body = format!(
        "We have refunded {} against your invoice {}. Your GST credit note {} is attached.",
        rupees(note.total_paise),
        invoice.number,
        note.number,
    );
    let m = PdfMail {
        to,
        name,
        subject: format!("Your credit note {}", note.number),
        body,
        filename,
        pdf,
    };
    mail_pdf(mailer, tenant, m).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_job_carries_the_id_only() {
        let job = InvoiceEmail {
            invoice_id: Uuid::nil(),
        };
        let value = serde_json::to_value(&job).unwrap();
        assert_eq!(value, json!({"invoice_id": Uuid::nil()}));
        assert_eq!(rupees(499_900), "Rs 4999.00");
        assert_eq!(rupees(5), "Rs 0.05");
    }
}

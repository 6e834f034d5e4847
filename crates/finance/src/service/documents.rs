//! Invoice PDFs: rendered on first request ([`crate::pdf`]), stored through `storage` under
//! `{platform}/invoices/{fy}/{id}.pdf` and served from there afterwards (the stored copy is
//! what the customer got; a later rendering change does not alter issued documents).
//! Credit-note PDFs are rendered on each request from their rows, which never change, and
//! their e-invoice's IRN once the IRP has answered (ADR 0089).

use kernel::Tenant;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, Statement,
};
use storage::{ObjectKey, Storage};
use uuid::Uuid;

use crate::{
    Document, FinanceError,
    dto::refunds::CreditNoteDto,
    entities::{credit_note_lines, credit_notes, invoices},
    pdf, service,
};

/// A generated e-invoice: IRN, acknowledgement, signed QR code.
struct Generated {
    irn: String,
    ack_no: String,
    signed_qr: Option<String>,
}

impl Generated {
    fn mark(&self) -> pdf::EinvoiceMark<'_> {
        pdf::EinvoiceMark {
            irn: &self.irn,
            ack_no: &self.ack_no,
            signed_qr: self.signed_qr.as_deref(),
        }
    }
}

/// The document's generated e-invoice (`INV` for an invoice, `CRN` for a credit note).
async fn generated_einvoice(
    db: &DatabaseConnection,
    doc: Document,
) -> Result<Option<Generated>, FinanceError> {
    let (sql, id) = match doc {
        Document::Invoice(id) => (
            "SELECT irn, ack_no, signed_qr FROM einvoices
              WHERE invoice_id = $1 AND doc_type = 'INV' AND status = 'generated'",
            id,
        ),
        Document::CreditNote(id) => (
            "SELECT irn, ack_no, signed_qr FROM einvoices
              WHERE credit_note_id = $1 AND doc_type = 'CRN' AND status = 'generated'",
            id,
        ),
    };
    let Some(r) = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            [id.into()],
        ))
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(Generated {
        irn: r.try_get("", "irn")?,
        ack_no: r.try_get("", "ack_no")?,
        signed_qr: r.try_get("", "signed_qr")?,
    }))
}

/// The credit notes of invoice `invoice_id` of `platform_id`, oldest first; `buyer`: only of
/// that user's invoice (anyone else's is 404), in the buyer's view (their PDF route, no
/// internal cut-off warning).
pub async fn credit_notes(
    db: &DatabaseConnection,
    platform_id: Uuid,
    buyer: Option<Uuid>,
    invoice_id: Uuid,
) -> Result<Vec<CreditNoteDto>, FinanceError> {
    let invoice = service::invoices::get(db, platform_id, buyer, invoice_id).await?;
    let rows = credit_notes::Entity::find()
        .filter(credit_notes::Column::PlatformId.eq(platform_id))
        .filter(credit_notes::Column::InvoiceId.eq(invoice.id))
        .order_by_asc(credit_notes::Column::IssuedAt)
        .order_by_asc(credit_notes::Column::Seq)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|n| {
            let dto = CreditNoteDto::from(n);
            match buyer {
                Some(_) => dto.for_buyer(),
                None => CreditNoteDto {
                    warning: crate::tax::credit_note_warning(invoice.issued_at, dto.issued_at),
                    ..dto
                },
            }
        })
        .collect())
}

/// Credit note `id` of `platform_id`.
pub async fn credit_note(
    db: &DatabaseConnection,
    platform_id: Uuid,
    id: Uuid,
) -> Result<credit_notes::Model, FinanceError> {
    credit_notes::Entity::find_by_id(id)
        .filter(credit_notes::Column::PlatformId.eq(platform_id))
        .one(db)
        .await?
        .ok_or(FinanceError::NotFound("credit note"))
}

/// The PDF of credit note `id` of `tenant` (of `buyer`'s invoice only, when given; anyone
/// else's is 404): `(file name, bytes)`.
pub async fn credit_note_pdf(
    db: &DatabaseConnection,
    tenant: &Tenant,
    buyer: Option<Uuid>,
    id: Uuid,
) -> Result<(String, Vec<u8>), FinanceError> {
    let note = credit_note(db, tenant.id, id).await?;
    let invoice = service::invoices::get(db, tenant.id, buyer, note.invoice_id)
        .await
        .map_err(|e| match e {
            FinanceError::NotFound(_) => FinanceError::NotFound("credit note"),
            e => e,
        })?;
    let lines = credit_note_lines::Entity::find()
        .filter(credit_note_lines::Column::CreditNoteId.eq(id))
        .order_by_asc(credit_note_lines::Column::Position)
        .all(db)
        .await?;
    let irn = generated_einvoice(db, Document::CreditNote(id)).await?;
    let bytes = pdf::render_credit_note(&note, &lines, &invoice, irn.as_ref().map(Generated::mark));
    Ok((format!("{}.pdf", note.number.replace('/', "-")), bytes))
}

/// The PDF of an invoice of `tenant` (of `user_id` only, when given): `(file name, bytes)`.
pub async fn invoice_pdf(
    db: &DatabaseConnection,
    storage: &Storage,
    tenant: &Tenant,
    user_id: Option<Uuid>,
    id: Uuid,
) -> Result<(String, Vec<u8>), FinanceError> {
    let dto = service::invoices::get(db, tenant.id, user_id, id).await?;
    let filename = format!("{}.pdf", dto.number.replace('/', "-"));
    let row = invoices::Entity::find_by_id(id)
        .filter(invoices::Column::PlatformId.eq(tenant.id))
        .one(db)
        .await?
        .ok_or(FinanceError::NotFound("invoice"))?;
    if let Some(key) = &row.pdf_key {
        let key = ObjectKey::parse(key).map_err(kernel::AppError::from)?;
        match storage.get(&key).await {
            Ok(obj) => return Ok((filename, obj.bytes.to_vec())),
            Err(e) => {
                tracing::warn!(invoice_id = %id, error = %e, "stored invoice PDF unreadable; rendering again")
            }
        }
    }
    // an e-invoiced invoice carries its IRN (ADR 0071); the IRN's arrival drops the stored copy
    // and its signed QR code (ADR 0079)
    let irn = generated_einvoice(db, Document::Invoice(id)).await?;
    let bytes = pdf::render_with(&dto, irn.as_ref().map(Generated::mark));
    let key = ObjectKey::parse(&format!("{}/invoices/{}/{}.pdf", tenant.slug, row.fy, id))
        .map_err(kernel::AppError::from)?;
    storage
        .put(&key, bytes.clone().into(), "application/pdf")
        .await
        .map_err(kernel::AppError::from)?;
    remember(db, id, key.as_str()).await?;
    Ok((filename, bytes))
}

async fn remember<C: ConnectionTrait>(conn: &C, id: Uuid, key: &str) -> Result<(), FinanceError> {
    invoices::Entity::update_many()
        .col_expr(
            invoices::Column::PdfKey,
            sea_orm::sea_query::Expr::value(key),
        )
        .filter(invoices::Column::Id.eq(id))
        .filter(invoices::Column::PdfKey.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

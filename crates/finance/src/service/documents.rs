//! Invoice PDFs: rendered on first request ([`crate::pdf`]), stored through `storage` under
//! `{platform}/invoices/{fy}/{id}.pdf` and served from there afterwards (the stored copy is
//! what the customer got; a later rendering change does not alter issued documents).

use kernel::Tenant;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};
use storage::{ObjectKey, Storage};
use uuid::Uuid;

use crate::{FinanceError, entities::invoices, pdf, service};

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
    let irn = db
        .query_one_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "SELECT irn, ack_no, signed_qr FROM einvoices
              WHERE invoice_id = $1 AND doc_type = 'INV' AND status = 'generated'",
            [id.into()],
        ))
        .await?
        .map(
            |r| -> Result<(String, String, Option<String>), FinanceError> {
                Ok((
                    r.try_get("", "irn")?,
                    r.try_get("", "ack_no")?,
                    r.try_get("", "signed_qr")?,
                ))
            },
        )
        .transpose()?;
    let bytes = pdf::render_with(
        &dto,
        irn.as_ref().map(|(irn, ack_no, qr)| pdf::EinvoiceMark {
            irn,
            ack_no,
            signed_qr: qr.as_deref(),
        }),
    );
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

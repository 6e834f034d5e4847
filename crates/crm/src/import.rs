//! The `leads` import kind (`POST /api/bulk-upload/kinds/leads`): each row is ingested like a
//! vendor's lead inside the import's batch transaction — the same dedupe on E.164 phone and
//! canonical email (a known person gets a `re_inquiry` with source `import`, never a second
//! lead), the same assignment and `lead.created`. Phones and emails are checked per row before
//! the import starts, so a bad cell is a row error in the preview, not a failed batch.

use futures::future::BoxFuture;
use imports::{CellError, Column, ColumnType, ImportKind, Row};
use kernel::Tenant;
use sea_orm::{DatabaseTransaction, DbErr};

use crate::{
    CrmError, normalize,
    service::ingest::{self, Inbound},
};

/// The leads kind.
#[derive(Debug, Clone, Copy, Default)]
pub struct Leads;

const COLUMNS: &[Column] = &[
    Column::text("full_name", 200).required(),
    Column::text("phone", 32).required(),
    Column::text("email", 320).of(ColumnType::Email),
    Column::text("source", 80),
    Column::text("campaign", 200),
];

fn inbound(row: &Row) -> Inbound {
    Inbound {
        full_name: row.get("full_name").unwrap_or_default().to_owned(),
        phone: row.get("phone").unwrap_or_default().to_owned(),
        email: row.get("email").map(str::to_owned),
        source: row.get("source").unwrap_or("import").to_owned(),
        campaign: row.get("campaign").map(str::to_owned),
        form: None,
        utm: serde_json::json!({}),
        extra: serde_json::json!({}),
        vendor_id: None,
        profile: crate::service::ingest::Profile::default(),
    }
}

impl ImportKind for Leads {
    fn name(&self) -> &'static str {
        "leads"
    }

    fn description(&self) -> &'static str {
        "Sales leads, deduplicated on the E.164 phone (India without a country code) and the canonical email; a known person becomes a re-inquiry on the first lead"
    }

    fn columns(&self) -> &'static [Column] {
        COLUMNS
    }

    fn validate_row(&self, row: &Row) -> Vec<CellError> {
        let mut errors = Vec::new();
        if let Some(phone) = row.get("phone")
            && let Err(m) = normalize::phone_e164(phone)
        {
            errors.push(CellError {
                column: "phone".into(),
                value: Some(phone.chars().take(200).collect()),
                message: format!("phone {m}"),
            });
        }
        if let Some(email) = row.get("email")
            && let Err(m) = normalize::email_canonical(email)
        {
            errors.push(CellError {
                column: "email".into(),
                value: Some(email.chars().take(200).collect()),
                message: format!("email {m}"),
            });
        }
        errors
    }

    fn import_batch<'a>(
        &'a self,
        txn: &'a DatabaseTransaction,
        tenant: &'a Tenant,
        rows: &'a [Row],
    ) -> BoxFuture<'a, Result<u64, DbErr>> {
        Box::pin(async move {
            let mut created = 0u64;
            for row in rows {
                match ingest::ingest_in(txn, tenant, &inbound(row)).await {
                    Ok(Some(done)) if !done.duplicate => created += 1,
                    Ok(_) => {}
                    // checked before the import started; a row that still does not normalise
                    // is left out rather than failing its batch
                    Err(CrmError::Invalid(..)) => {}
                    Err(CrmError::Db(e)) => return Err(e),
                    Err(e) => return Err(DbErr::Custom(e.to_string())),
                }
            }
            Ok(created)
        })
    }
}

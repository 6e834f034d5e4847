//! E-invoices (ADR 0071): prepared in the transaction of a B2B invoice or of a credit note of
//! one, when the supplier is above the e-invoicing threshold on the document's date (B2C
//! documents never); validated against schema 1.1 ([`crate::einvoice::validate`]); an invalid
//! one is kept with its errors and never sent. A valid one is queued (`finance-irn`, the
//! e-invoice's id only) and the job asks the IRP/GSP (`EINVOICE_IRP_URL`) for its IRN, keeping
//! the acknowledgement and the 24-hour cancellation window. FINANCE cancels within the window.

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Asia::Kolkata;
use jobs::JobSpec;
use kernel::{
    Tenant,
    audit::{self, Audit},
    auth::AuthUser,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait,
    QueryFilter, QueryOrder, Statement, TransactionTrait,
};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    FinanceConfig, FinanceError,
    einvoice::{self, DocType, Document, Line, Party},
    entities::{credit_note_lines, credit_notes, invoice_lines, invoices},
    tax,
};

/// `finance-irn` (`databaseQueue`): ask the IRP for the IRN of e-invoice `einvoice_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IrnJob {
    /// The e-invoice.
    pub einvoice_id: Uuid,
}

impl JobSpec for IrnJob {
    const QUEUE: &'static str = "databaseQueue";
    const NAME: &'static str = "finance-irn";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// An e-invoice.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EinvoiceDto {
    /// Id.
    pub id: Uuid,
    /// `INV` or `CRN`.
    pub doc_type: String,
    /// The invoice (of a credit note: the invoice it reduces).
    pub invoice_id: Option<Uuid>,
    /// The credit note (`CRN`).
    pub credit_note_id: Option<Uuid>,
    /// `invalid` (never sent), `queued`, `generated`, `rejected` (by the IRP) or `cancelled`.
    pub status: String,
    /// Why it is invalid or was rejected.
    pub errors: Vec<String>,
    /// The IRN.
    pub irn: Option<String>,
    /// The IRP's acknowledgement number.
    pub ack_no: Option<String>,
    /// When the IRP acknowledged it.
    pub ack_at: Option<DateTime<Utc>>,
    /// The end of the 24-hour cancellation window.
    pub cancel_until: Option<DateTime<Utc>>,
    /// Whether it can be cancelled now.
    pub cancellable: bool,
    /// The schema 1.1 JSON as prepared.
    #[schema(value_type = Object)]
    pub payload: Value,
}

/// `POST /api/finance/einvoices/{id}/cancel`.
#[derive(Debug, Clone, Deserialize, validator::Validate, ToSchema)]
#[schema(as = EinvoiceCancelRequest)]
pub struct CancelRequest {
    /// The IRP's reason code: 1 duplicate, 2 data entry mistake, 3 order cancelled, 4 other.
    #[validate(range(min = 1, max = 4))]
    #[schema(minimum = 1, maximum = 4)]
    pub reason_code: u8,
    /// Remark (sent to the IRP).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub remark: String,
}

/// The city of a free-text address: its last comma-separated part with letters, digits and
/// dashes taken out (`Baner Road, Pune 411045` -> `Pune`).
fn location_of(address: &str) -> String {
    address
        .split([',', '\n'])
        .map(|p| {
            p.chars()
                .filter(|c| !c.is_ascii_digit() && *c != '-')
                .collect::<String>()
                .trim()
                .to_owned()
        })
        .filter(|p| p.chars().any(char::is_alphabetic))
        .collect::<Vec<_>>()
        .pop()
        .unwrap_or_default()
}

fn clip(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

fn seller(config: &FinanceConfig, i: &invoices::Model) -> Party {
    let e = &config.einvoice;
    Party {
        gstin: i.supplier_gstin.clone(),
        legal_name: clip(&i.supplier_name, 100),
        address: clip(&e.supplier_address, 100),
        location: clip(&e.supplier_location, 50),
        pin: e.supplier_pin,
        state_code: i.supplier_state.clone(),
    }
}

fn buyer(i: &invoices::Model) -> Party {
    Party {
        gstin: i.buyer_gstin.clone().unwrap_or_default(),
        legal_name: clip(&i.buyer_name, 100),
        address: clip(&i.buyer_address, 100),
        location: clip(&location_of(&i.buyer_address), 50),
        pin: einvoice::pin_in(&i.buyer_address),
        state_code: i
            .buyer_gstin
            .as_deref()
            .map(|g| g[..2].to_owned())
            .or_else(|| i.buyer_state.clone())
            .unwrap_or_default(),
    }
}

/// Whether a document of invoice `i` dated `at` is e-invoiced.
fn due(config: &FinanceConfig, i: &invoices::Model, at: DateTime<Utc>) -> bool {
    i.classification == "b2b"
        && i.buyer_gstin.is_some()
        && einvoice::applicable(config.einvoice.aato_paise, tax::ist_date(at))
}

/// An e-invoice as prepared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prepared {
    /// Its id.
    pub id: Uuid,
    /// Queued for its IRN (valid); else kept `invalid` and never sent.
    pub queued: bool,
}

/// Writes the e-invoice of a document and queues it when valid.
async fn record(
    txn: &DatabaseTransaction,
    tenant: &Tenant,
    doc: &Document,
    invoice_id: Uuid,
    credit_note_id: Option<Uuid>,
) -> Result<Prepared, FinanceError> {
    let payload = einvoice::payload(doc);
    let errors = einvoice::validate(&payload);
    let status = if errors.is_empty() {
        "queued"
    } else {
        "invalid"
    };
    let id = kernel::ids::new_id();
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO einvoices (id, platform_id, doc_type, invoice_id, credit_note_id, payload, status, errors)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        [
            id.into(),
            tenant.id.into(),
            doc.typ.as_str().into(),
            invoice_id.into(),
            credit_note_id.into(),
            payload.into(),
            status.into(),
            json!(errors).into(),
        ],
    ))
    .await?;
    if errors.is_empty() {
        jobs::outbox::enqueue_in(txn, tenant, &IrnJob { einvoice_id: id }).await?;
    } else {
        tracing::warn!(einvoice_id = %id, errors = errors.len(), "e-invoice invalid: not sent");
    }
    Ok(Prepared {
        id,
        queued: errors.is_empty(),
    })
}

/// The e-invoice of a new invoice (in its transaction), when one is due.
pub async fn prepare_invoice_in(
    txn: &DatabaseTransaction,
    config: &FinanceConfig,
    tenant: &Tenant,
    i: &invoices::Model,
) -> Result<Option<Prepared>, FinanceError> {
    if !due(config, i, i.issued_at) {
        return Ok(None);
    }
    let lines = invoice_lines::Entity::find()
        .filter(invoice_lines::Column::InvoiceId.eq(i.id))
        .order_by_asc(invoice_lines::Column::Position)
        .all(txn)
        .await?;
    let doc = Document {
        typ: DocType::Inv,
        number: i.number.clone(),
        date: tax::ist_date(i.issued_at),
        seller: seller(config, i),
        buyer: buyer(i),
        place_of_supply: i.place_of_supply.clone(),
        lines: lines
            .iter()
            .map(|l| Line {
                description: clip(&l.description, 300),
                sac: l.sac.clone(),
                rate_bp: l.rate_bp,
                quantity: l.quantity,
                taxable_paise: l.taxable_paise,
                cgst_paise: l.cgst_paise,
                sgst_paise: l.sgst_paise,
                igst_paise: l.igst_paise,
                total_paise: l.total_paise,
            })
            .collect(),
        preceding: None,
    };
    record(txn, tenant, &doc, i.id, None).await.map(Some)
}

/// The e-invoice (`CRN`) of a new credit note of invoice `i` (in its transaction), when due.
pub async fn prepare_credit_note_in(
    txn: &DatabaseTransaction,
    config: &FinanceConfig,
    tenant: &Tenant,
    i: &invoices::Model,
    note: &credit_notes::Model,
) -> Result<Option<Prepared>, FinanceError> {
    if !due(config, i, note.issued_at) {
        return Ok(None);
    }
    let lines = credit_note_lines::Entity::find()
        .filter(credit_note_lines::Column::CreditNoteId.eq(note.id))
        .order_by_asc(credit_note_lines::Column::Position)
        .all(txn)
        .await?;
    let doc = Document {
        typ: DocType::Crn,
        number: note.number.clone(),
        date: tax::ist_date(note.issued_at),
        seller: seller(config, i),
        buyer: buyer(i),
        place_of_supply: note.place_of_supply.clone(),
        lines: lines
            .iter()
            .filter(|l| l.total_paise > 0)
            .map(|l| Line {
                description: clip(&l.description, 300),
                sac: l.sac.clone(),
                rate_bp: l.rate_bp,
                quantity: 1,
                taxable_paise: l.taxable_paise,
                cgst_paise: l.cgst_paise,
                sgst_paise: l.sgst_paise,
                igst_paise: l.igst_paise,
                total_paise: l.total_paise,
            })
            .collect(),
        preceding: Some((i.number.clone(), tax::ist_date(i.issued_at))),
    };
    record(txn, tenant, &doc, i.id, Some(note.id))
        .await
        .map(Some)
}

/// A row as read.
struct Row {
    id: Uuid,
    doc_type: String,
    invoice_id: Option<Uuid>,
    credit_note_id: Option<Uuid>,
    payload: Value,
    status: String,
    errors: Value,
    irn: Option<String>,
    ack_no: Option<String>,
    ack_at: Option<DateTime<Utc>>,
    cancel_until: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, doc_type, invoice_id, credit_note_id, payload, status, errors, irn, ack_no, ack_at, cancel_until";

fn row(r: &sea_orm::QueryResult) -> Result<Row, FinanceError> {
    Ok(Row {
        id: r.try_get("", "id")?,
        doc_type: r.try_get("", "doc_type")?,
        invoice_id: r.try_get("", "invoice_id")?,
        credit_note_id: r.try_get("", "credit_note_id")?,
        payload: r.try_get("", "payload")?,
        status: r.try_get("", "status")?,
        errors: r.try_get("", "errors")?,
        irn: r.try_get("", "irn")?,
        ack_no: r.try_get("", "ack_no")?,
        ack_at: r.try_get("", "ack_at")?,
        cancel_until: r.try_get("", "cancel_until")?,
    })
}

fn dto(r: Row, now: DateTime<Utc>) -> EinvoiceDto {
    EinvoiceDto {
        cancellable: r.status == "generated" && r.cancel_until.is_some_and(|u| now <= u),
        id: r.id,
        doc_type: r.doc_type,
        invoice_id: r.invoice_id,
        credit_note_id: r.credit_note_id,
        status: r.status,
        errors: serde_json::from_value(r.errors).unwrap_or_default(),
        irn: r.irn,
        ack_no: r.ack_no,
        ack_at: r.ack_at,
        cancel_until: r.cancel_until,
        payload: r.payload,
    }
}

async fn find<C: ConnectionTrait>(
    conn: &C,
    filter: &str,
    values: Vec<sea_orm::Value>,
    lock: bool,
) -> Result<Option<Row>, FinanceError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM einvoices WHERE {filter}{}",
        if lock { " FOR UPDATE" } else { "" }
    );
    conn.query_one_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        sql,
        values,
    ))
    .await?
    .as_ref()
    .map(row)
    .transpose()
}

/// The e-invoice of invoice `invoice_id` of the platform (`INV`).
pub async fn of_invoice<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    invoice_id: Uuid,
) -> Result<EinvoiceDto, FinanceError> {
    let r = find(
        conn,
        "platform_id = $1 AND invoice_id = $2 AND doc_type = 'INV'",
        vec![platform_id.into(), invoice_id.into()],
        false,
    )
    .await?
    .ok_or(FinanceError::NotFound("e-invoice"))?;
    Ok(dto(r, Utc::now()))
}

/// What the IRP answered (the simple mode).
#[derive(Debug, Deserialize)]
struct Generated {
    #[serde(rename = "Irn")]
    irn: String,
    #[serde(rename = "AckNo")]
    ack_no: Value,
    #[serde(rename = "AckDt")]
    ack_dt: String,
    #[serde(rename = "SignedQRCode", default)]
    signed_qr: Option<String>,
}

/// `yyyy-mm-dd hh:mm:ss` in IST (the IRP's format) as UTC.
fn ack_time(s: &str) -> Option<DateTime<Utc>> {
    let naive = NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%d %H:%M:%S").ok()?;
    Kolkata
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// What asking for an IRN did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IrnOutcome {
    /// Generated now.
    Generated,
    /// The IRP refused it (kept as `rejected` with its answer).
    Rejected,
    /// Not queued (done before, invalid, cancelled).
    Nothing,
}

/// Why asking for an IRN failed in a way worth retrying.
#[derive(Debug, thiserror::Error)]
pub enum IrnError {
    /// `EINVOICE_IRP_URL` is not set.
    #[error("EINVOICE_IRP_URL is not set")]
    NotConfigured,
    /// The IRP could not be reached or failed (5xx), or the login failed.
    #[error("IRP: {0}")]
    Transient(String),
    /// The database failed.
    #[error(transparent)]
    Finance(#[from] FinanceError),
}

/// Which client asks the IRP: the simple one (`EINVOICE_MODE=simple`: the JSON as is with a
/// bearer token) or the NIC IRP's envelope (`nic`, ADR 0080).
#[derive(Debug, Clone, Copy)]
pub enum Irp<'a> {
    /// `{EINVOICE_IRP_URL}/invoice` with `EINVOICE_IRP_TOKEN`.
    Simple(&'a reqwest::Client),
    /// The NIC IRP API.
    Nic(&'a integrations::nic_irp::NicIrp),
}

fn irp(
    config: &FinanceConfig,
    http: &reqwest::Client,
    path: &str,
) -> Result<reqwest::RequestBuilder, IrnError> {
    let base = config
        .einvoice
        .irp_url
        .as_deref()
        .ok_or(IrnError::NotConfigured)?;
    let mut req = http
        .post(format!("{base}{path}"))
        .timeout(std::time::Duration::from_secs(30));
    if let Some(token) = &config.einvoice.irp_token {
        req = req.bearer_auth(token.expose_secret());
    }
    Ok(req)
}

/// An IRN as stored.
struct Acked {
    irn: String,
    ack_no: String,
    ack_at: DateTime<Utc>,
    signed_qr: Option<String>,
}

/// The simple mode: `Ok(Err(why))` when the IRP refused the e-invoice.
async fn ask_simple(
    http: &reqwest::Client,
    config: &FinanceConfig,
    payload: &Value,
) -> Result<Result<Acked, String>, IrnError> {
    let res = irp(config, http, "/invoice")?
        .json(payload)
        .send()
        .await
        .map_err(|e| IrnError::Transient(e.without_url().to_string()))?;
    let status = res.status();
    let body = res.text().await.unwrap_or_default();
    if status.is_server_error() || status.as_u16() == 429 {
        return Err(IrnError::Transient(format!("{status}")));
    }
    let answer = if status.is_success() {
        serde_json::from_str::<Generated>(&body)
            .ok()
            .and_then(|g| ack_time(&g.ack_dt).map(|at| (g, at)))
            .filter(|(g, _)| g.irn.len() == 64)
    } else {
        None
    };
    Ok(match answer {
        Some((g, ack_at)) => Ok(Acked {
            irn: g.irn,
            ack_no: match &g.ack_no {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            },
            ack_at,
            signed_qr: g.signed_qr,
        }),
        None => Err(format!("{status}: {}", clip(&body, 300))),
    })
}

/// The NIC mode (ADR 0080): `Ok(Err(why))` when the IRP refused the e-invoice.
async fn ask_nic(
    nic: &integrations::nic_irp::NicIrp,
    config: &FinanceConfig,
    payload: &Value,
) -> Result<Result<Acked, String>, IrnError> {
    use integrations::nic_irp::IrpError;
    if config.einvoice.irp_url.is_none() {
        return Err(IrnError::NotConfigured);
    }
    let gstin = payload["SellerDtls"]["Gstin"].as_str().unwrap_or_default();
    match nic.generate(gstin, payload).await {
        Ok(d) => Ok(match ack_time(&d.ack_dt) {
            Some(ack_at) if d.irn.len() == 64 => Ok(Acked {
                irn: d.irn,
                ack_no: d.ack_no,
                ack_at,
                signed_qr: d.signed_qr,
            }),
            _ => Err(format!(
                "unreadable IRN answer (AckDt {:?})",
                clip(&d.ack_dt, 40)
            )),
        }),
        Err(IrpError::Rejected(errors)) => {
            Ok(Err(clip(&integrations::nic_irp::describe(&errors), 300)))
        }
        Err(e @ (IrpError::Transient(_) | IrpError::Auth(_))) => {
            Err(IrnError::Transient(e.to_string()))
        }
    }
}

/// The platform of a row as the outbox wants it (id and slug).
async fn tenant_of<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
) -> Result<Tenant, FinanceError> {
    let r = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT slug, name FROM platforms WHERE id = $1",
            [platform_id.into()],
        ))
        .await?
        .ok_or(FinanceError::NotFound("platform"))?;
    Ok(Tenant {
        id: platform_id,
        slug: r.try_get("", "slug")?,
        name: r.try_get("", "name")?,
        modules: Vec::new(),
    })
}

/// Asks the IRP for the IRN of a queued e-invoice in the simple mode.
pub async fn generate(
    db: &DatabaseConnection,
    http: &reqwest::Client,
    config: &FinanceConfig,
    einvoice_id: Uuid,
) -> Result<IrnOutcome, IrnError> {
    generate_via(db, Irp::Simple(http), config, einvoice_id).await
}

/// Asks the IRP for the IRN of a queued e-invoice (the `finance-irn` job). The answer, the
/// dropped PDF (rendered again with the IRN and its QR code) and the release of the invoice's
/// email (held for the IRN; also released when the IRP refuses it) are one transaction.
pub async fn generate_via(
    db: &DatabaseConnection,
    client: Irp<'_>,
    config: &FinanceConfig,
    einvoice_id: Uuid,
) -> Result<IrnOutcome, IrnError> {
    let Some(r) = find(db, "id = $1", vec![einvoice_id.into()], false).await? else {
        return Ok(IrnOutcome::Nothing);
    };
    if r.status != "queued" {
        return Ok(IrnOutcome::Nothing);
    }
    let answer = match client {
        Irp::Simple(http) => ask_simple(http, config, &r.payload).await?,
        Irp::Nic(nic) => ask_nic(nic, config, &r.payload).await?,
    };
    let txn = db.begin().await.map_err(FinanceError::from)?;
    // another run of the job stored an answer meanwhile: nothing more to do
    let Some(platform_id) = txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT platform_id FROM einvoices WHERE id = $1 AND status = 'queued' FOR UPDATE",
            [einvoice_id.into()],
        ))
        .await
        .map_err(FinanceError::from)?
        .map(|row| row.try_get::<Uuid>("", "platform_id"))
        .transpose()
        .map_err(FinanceError::from)?
    else {
        return Ok(IrnOutcome::Nothing);
    };
    let outcome = match answer {
        Err(error) => {
            txn.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE einvoices SET status = 'rejected', errors = $2, updated_at = now()
                  WHERE id = $1",
                [einvoice_id.into(), json!([error]).into()],
            ))
            .await
            .map_err(FinanceError::from)?;
            tracing::warn!(einvoice_id = %einvoice_id, "IRP refused the e-invoice");
            IrnOutcome::Rejected
        }
        Ok(g) => {
            txn.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE einvoices SET status = 'generated', irn = $2, ack_no = $3, ack_at = $4,
                        cancel_until = $5, signed_qr = $6, errors = '[]'::jsonb, updated_at = now()
                  WHERE id = $1",
                [
                    einvoice_id.into(),
                    g.irn.into(),
                    g.ack_no.into(),
                    g.ack_at.into(),
                    (g.ack_at + Duration::hours(24)).into(),
                    g.signed_qr.into(),
                ],
            ))
            .await
            .map_err(FinanceError::from)?;
            // the invoice's PDF is rendered again with its IRN on the next request
            if r.doc_type == "INV"
                && let Some(invoice_id) = r.invoice_id
            {
                txn.execute_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "UPDATE invoices SET pdf_key = NULL WHERE id = $1",
                    [invoice_id.into()],
                ))
                .await
                .map_err(FinanceError::from)?;
            }
            tracing::info!(einvoice_id = %einvoice_id, "IRN generated");
            IrnOutcome::Generated
        }
    };
    // the document's email waited for this answer (ADR 0080, 0089)
    let doc = match (r.doc_type.as_str(), r.invoice_id, r.credit_note_id) {
        ("INV", Some(invoice_id), _) => Some(crate::Document::Invoice(invoice_id)),
        ("CRN", _, Some(note_id)) => Some(crate::Document::CreditNote(note_id)),
        _ => None,
    };
    if let Some(doc) = doc {
        let tenant = tenant_of(&txn, platform_id).await?;
        super::mail::release_in(&txn, &tenant, doc).await?;
    }
    txn.commit().await.map_err(FinanceError::from)?;
    Ok(outcome)
}

/// Cancels a generated e-invoice of the platform at the IRP within its 24 hours (FINANCE),
/// audited. Not generated: 409 `einvoice_not_generated`; after the window: 409
/// `einvoice_cancel_window_closed`; the IRP refusing: 502.
pub async fn cancel(
    db: &DatabaseConnection,
    client: Irp<'_>,
    config: &FinanceConfig,
    user: &AuthUser,
    id: Uuid,
    req: &CancelRequest,
) -> Result<EinvoiceDto, FinanceError> {
    let now = Utc::now();
    let txn = db.begin().await?;
    let r = find(
        &txn,
        "id = $1 AND platform_id = $2",
        vec![id.into(), user.tenant.id.into()],
        true,
    )
    .await?
    .ok_or(FinanceError::NotFound("e-invoice"))?;
    if r.status != "generated" {
        return Err(FinanceError::EinvoiceNotGenerated(r.status));
    }
    if r.cancel_until.is_none_or(|u| now > u) {
        return Err(FinanceError::CancelWindowClosed);
    }
    let irn = r.irn.clone().unwrap_or_default();
    let refused = |why: String| {
        FinanceError::App(kernel::AppError::new(
            &kernel::error::codes::BAD_GATEWAY,
            format!("the IRP did not cancel the e-invoice ({why})"),
        ))
    };
    match client {
        Irp::Simple(http) => {
            let res = irp(config, http, "/invoice/cancel")
                .map_err(|e| refused(e.to_string()))?
                .json(&json!({"Irn": irn, "CnlRsn": req.reason_code.to_string(), "CnlRem": req.remark}))
                .send()
                .await;
            match res {
                Ok(r) if r.status().is_success() => {}
                Ok(r) => return Err(refused(r.status().to_string())),
                Err(e) => return Err(refused(e.without_url().to_string())),
            }
        }
        Irp::Nic(nic) => {
            if config.einvoice.irp_url.is_none() {
                return Err(refused(IrnError::NotConfigured.to_string()));
            }
            let gstin = r.payload["SellerDtls"]["Gstin"]
                .as_str()
                .unwrap_or_default();
            nic.cancel(gstin, &irn, req.reason_code, &req.remark)
                .await
                .map_err(|e| refused(e.to_string()))?;
        }
    }
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE einvoices SET status = 'cancelled', cancelled_at = $2, updated_at = $2 WHERE id = $1",
        [id.into(), now.into()],
    ))
    .await?;
    audit::record(
        &txn,
        Audit::by(user, "finance.einvoice.cancelled", "einvoice", id).change(
            json!({"status": "generated", "irn": irn}),
            json!({"status": "cancelled", "reason_code": req.reason_code, "remark": req.remark}),
        ),
    )
    .await?;
    txn.commit().await?;
    let r = find(db, "id = $1", vec![id.into()], false)
        .await?
        .ok_or(FinanceError::NotFound("e-invoice"))?;
    Ok(dto(r, now))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_city_and_the_ack_time_are_read() {
        assert_eq!(location_of("Baner Road, Pune 411045"), "Pune");
        assert_eq!(
            location_of("12 MG Road,\nBengaluru - 560001\n"),
            "Bengaluru"
        );
        assert_eq!(location_of(""), "");
        let at = ack_time("2026-11-10 12:30:00").unwrap();
        assert_eq!(at.to_rfc3339(), "2026-11-10T07:00:00+00:00");
        assert!(ack_time("10/11/2026").is_none());
    }
}

//! Invoices: issued from `payment.captured` exactly once per paid order, numbered from the
//! gapless counter in the same transaction, with the ledger entries of the sale; read by
//! FINANCE/ADMIN and by the buyer.

use chrono::{DateTime, Utc};
use integrations::payments::events::PaymentCaptured;
use kernel::Tenant;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Statement,
    TransactionTrait,
};
use uuid::Uuid;

use crate::{
    FinanceConfig, FinanceError,
    dto::invoices::InvoiceDto,
    entities::{invoice_lines, invoices},
    error::violates,
    events::InvoiceIssued,
    service::{billing, numbering, supplier},
    tax::{self, Buyer, LineInput},
};

/// What [`issue`] did.
#[derive(Debug, Clone)]
pub struct Issued {
    /// The invoice of the order.
    pub invoice: invoices::Model,
    /// False when the order already had it (a repeated event).
    pub created: bool,
}

/// The invoice of an order of the platform, if any.
pub async fn of_order<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    order_id: Uuid,
) -> Result<Option<invoices::Model>, FinanceError> {
    Ok(invoices::Entity::find()
        .filter(invoices::Column::PlatformId.eq(platform_id))
        .filter(invoices::Column::OrderId.eq(order_id))
        .one(conn)
        .await?)
}

/// Issues the invoice of a captured payment, once: a repeated event answers the invoice
/// already issued. Its own transaction; see [`issue_in`].
pub async fn issue(
    db: &DatabaseConnection,
    config: &FinanceConfig,
    tenant: &Tenant,
    event: &PaymentCaptured,
    issued_at: DateTime<Utc>,
) -> Result<Issued, FinanceError> {
    if let Some(invoice) = of_order(db, tenant.id, event.order_id).await? {
        return Ok(Issued {
            invoice,
            created: false,
        });
    }
    let txn = db.begin().await?;
    match issue_in(&txn, config, tenant, event, issued_at).await {
        Ok(invoice) => {
            txn.commit().await?;
            Ok(Issued {
                invoice,
                created: true,
            })
        }
        // the same order's other delivery committed first: its number stands, ours rolls back
        Err(FinanceError::Db(e)) if violates(&e, "invoices_order_unique") => {
            txn.rollback().await?;
            let invoice = of_order(db, tenant.id, event.order_id)
                .await?
                .ok_or(FinanceError::NotFound("invoice"))?;
            Ok(Issued {
                invoice,
                created: false,
            })
        }
        Err(e) => Err(e),
    }
}

/// Issues the invoice inside `txn`: the buyer from their billing profile (else their
/// account's name, B2C with the supplier's state), the tax, the next number of the series
/// (the counter row stays locked until `txn` ends), the lines, the ledger entries of the
/// sale and `invoice.issued`. Nothing is numbered unless `txn` commits.
pub async fn issue_in(
    txn: &DatabaseTransaction,
    config: &FinanceConfig,
    tenant: &Tenant,
    event: &PaymentCaptured,
    issued_at: DateTime<Utc>,
) -> Result<invoices::Model, FinanceError> {
    if event.platform_id != tenant.id {
        return Err(FinanceError::Invalid(
            "platform_id",
            "is not the event's platform".into(),
        ));
    }
    if event.currency != "INR" {
        return Err(FinanceError::Invalid(
            "currency",
            format!("{} is not invoiced (INR only)", event.currency),
        ));
    }
    let (sup, _) = supplier::effective(txn, config, tenant.id).await?;
    let profile = billing::find(txn, tenant.id, event.user_id).await?;
    let (buyer_name, buyer_gstin, buyer_state, buyer_address) = match profile {
        Some(p) => (p.legal_name, p.gstin, p.state_code, p.address),
        None => (
            account_name(txn, tenant.id, event.user_id).await?,
            None,
            None,
            String::new(),
        ),
    };
    let buyer = Buyer {
        gstin: buyer_gstin.clone(),
        state_code: buyer_state.clone(),
    };
    let pos = tax::place_of_supply(&buyer, &sup.state_code);
    let supply = tax::supply_type(&pos, &sup.state_code);
    let description: String = event.description.chars().take(300).collect();
    // the amount is what was paid, GST included whatever the price's statement: an exclusive
    // price was charged with its GST added, so the invoice's total is the payment (ADR 0095)
    let taxed = tax::compute(
        &[LineInput {
            description: if description.trim().is_empty() {
                event.item.clone()
            } else {
                description
            },
            sac: tax::SAC_COACHING.into(),
            rate_bp: tax::RATE_COACHING_BP,
            quantity: 1,
            amount_paise: event.amount_paise,
        }],
        supply,
    )?;
    let class = tax::classify(
        &buyer,
        supply,
        taxed.total_paise,
        tax::ist_date(issued_at),
        tax::B2CL_THRESHOLDS,
    );
    let fy = tax::financial_year(issued_at);
    let (seq, number) = numbering::next(txn, &sup.gstin, &sup.invoice_series, &fy).await?;
    let id = kernel::ids::new_id();
    let invoice = invoices::Model {
        id,
        platform_id: tenant.id,
        order_id: event.order_id,
        user_id: event.user_id,
        item: event.item.chars().take(64).collect(),
        item_id: event.item_id,
        razorpay_payment_id: event.razorpay_payment_id.clone(),
        number: number.clone(),
        series: sup.invoice_series.clone(),
        fy,
        seq,
        issued_at,
        supplier_gstin: sup.gstin.clone(),
        supplier_state: sup.state_code.clone(),
        supplier_name: sup.legal_name.clone(),
        buyer_name,
        buyer_gstin,
        buyer_state,
        buyer_address,
        place_of_supply: pos,
        classification: class.as_str().to_owned(),
        gst_inclusive: event.gst_inclusive,
        currency: "INR".into(),
        taxable_paise: taxed.taxable_paise,
        cgst_paise: taxed.cgst_paise,
        sgst_paise: taxed.sgst_paise,
        igst_paise: taxed.igst_paise,
        total_paise: taxed.total_paise,
        pdf_key: None,
        created_at: Utc::now(),
    };
    invoices::Entity::insert(invoices::ActiveModel::from(invoice.clone()))
        .exec_without_returning(txn)
        .await?;
    let lines: Vec<invoice_lines::ActiveModel> = taxed
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| invoice_lines::ActiveModel {
            id: Set(kernel::ids::new_id()),
            invoice_id: Set(id),
            position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
            description: Set(l.description.clone()),
            sac: Set(l.sac.clone()),
            rate_bp: Set(i32::try_from(l.rate_bp).unwrap_or(0)),
            quantity: Set(l.quantity),
            taxable_paise: Set(l.taxable_paise),
            cgst_paise: Set(l.cgst_paise),
            sgst_paise: Set(l.sgst_paise),
            igst_paise: Set(l.igst_paise),
            total_paise: Set(l.total_paise),
        })
        .collect();
    invoice_lines::Entity::insert_many(lines)
        .exec_without_returning(txn)
        .await?;
    ledger_sale(txn, &invoice).await?;
    // B2B above the e-invoicing threshold: the e-invoice, queued for its IRN (ADR 0071)
    let einvoice = super::einvoices::prepare_invoice_in(txn, config, tenant, &invoice).await?;
    jobs::outbox::publish_in(
        txn,
        tenant,
        &InvoiceIssued {
            invoice_id: id,
            number,
            order_id: invoice.order_id,
            user_id: invoice.user_id,
            total_paise: invoice.total_paise,
        },
    )
    .await?;
    // the buyer's copy by email: ids only, the address is looked up when it is sent; an
    // e-invoiced one waits for its IRN (at most EINVOICE_EMAIL_WAIT_SECS, ADR 0080)
    let doc = crate::Document::Invoice(id);
    super::mail::queue_in(txn, config, tenant, doc, einvoice.is_some_and(|e| e.queued)).await?;
    Ok(invoice)
}

/// The buyer's account name (the invoice's customer when they set no billing profile).
async fn account_name<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
) -> Result<String, FinanceError> {
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT full_name FROM users WHERE id = $1 AND platform_id = $2",
            [user_id.into(), platform_id.into()],
        ))
        .await?
        .ok_or(FinanceError::NotFound("buyer"))?;
    Ok(row.try_get("", "full_name")?)
}

/// The sale in the finance ledger: the amount received, revenue (the taxable value) and GST
/// payable by type (credits negative, debits positive: the entries of a document sum to 0).
async fn ledger_sale<C: ConnectionTrait>(txn: &C, i: &invoices::Model) -> Result<(), FinanceError> {
    let entries = [
        ("receivable", i.total_paise),
        ("revenue", -i.taxable_paise),
        ("cgst_payable", -i.cgst_paise),
        ("sgst_payable", -i.sgst_paise),
        ("igst_payable", -i.igst_paise),
    ];
    for (account, amount) in entries.into_iter().filter(|(_, a)| *a != 0) {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO finance_ledger (id, platform_id, account, amount_paise, invoice_id, memo)
             VALUES ($1, $2, $3, $4, $5, $6)",
            [
                kernel::ids::new_id().into(),
                i.platform_id.into(),
                account.into(),
                amount.into(),
                i.id.into(),
                format!("invoice {}", i.number).into(),
            ],
        ))
        .await?;
    }
    Ok(())
}

/// Invoices of the platform (every buyer's, or one buyer's), newest first, keyset after
/// `(issued_at, id)`; `limit + 1` rows with their lines.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Option<Uuid>,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: u64,
) -> Result<Vec<InvoiceDto>, FinanceError> {
    let mut q = invoices::Entity::find().filter(invoices::Column::PlatformId.eq(platform_id));
    if let Some(u) = user_id {
        q = q.filter(invoices::Column::UserId.eq(u));
    }
    if let Some((at, id)) = after {
        q = q.filter(
            Condition::any().add(invoices::Column::IssuedAt.lt(at)).add(
                Condition::all()
                    .add(invoices::Column::IssuedAt.eq(at))
                    .add(invoices::Column::Id.lt(id)),
            ),
        );
    }
    let rows = q
        .order_by_desc(invoices::Column::IssuedAt)
        .order_by_desc(invoices::Column::Id)
        .limit(limit + 1)
        .all(conn)
        .await?;
    with_lines(conn, rows).await
}

/// One invoice of the platform (of `user_id` when given), with its lines.
pub async fn get<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Option<Uuid>,
    id: Uuid,
) -> Result<InvoiceDto, FinanceError> {
    let mut q = invoices::Entity::find()
        .filter(invoices::Column::PlatformId.eq(platform_id))
        .filter(invoices::Column::Id.eq(id));
    if let Some(u) = user_id {
        q = q.filter(invoices::Column::UserId.eq(u));
    }
    let row = q
        .one(conn)
        .await?
        .ok_or(FinanceError::NotFound("invoice"))?;
    with_lines(conn, vec![row])
        .await?
        .pop()
        .ok_or(FinanceError::NotFound("invoice"))
}

async fn with_lines<C: ConnectionTrait>(
    conn: &C,
    rows: Vec<invoices::Model>,
) -> Result<Vec<InvoiceDto>, FinanceError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut lines = invoice_lines::Entity::find()
        .filter(invoice_lines::Column::InvoiceId.is_in(ids))
        .order_by_asc(invoice_lines::Column::Position)
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut lines)
                .into_iter()
                .partition(|l| l.invoice_id == r.id);
            lines = rest;
            InvoiceDto::new(r, mine)
        })
        .collect())
}

//! Refunds and their credit notes. A refund is asked of Razorpay by FINANCE/ADMIN (never on
//! their own payment), once per `Idempotency-Key`, for at most what is left of the invoice
//! (checked under the invoice's row lock). When Razorpay accepts it, a credit note in the
//! credit-note series reverses the tax in proportion ([`tax::reverse`]) and the ledger
//! records it; `refund.processed` settles it. A refund made in Razorpay's dashboard arrives
//! only as `refund.processed` and gets its refund row and credit note then.

use chrono::{DateTime, Utc};
use integrations::{payments::events::RefundProcessed, razorpay::Razorpay};
use kernel::{Tenant, audit, auth::AuthUser};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Statement, TransactionTrait,
    sea_query::{Expr, LockType},
};
use uuid::Uuid;

use crate::{
    FinanceConfig, FinanceError,
    dto::refunds::{RefundDto, RefundRequest},
    entities::{credit_note_lines, credit_notes, invoice_lines, invoices, refunds},
    service::{numbering, supplier},
    tax::{self, Left},
};

/// The invoice of a payment, locked.
async fn lock_invoice(
    txn: &DatabaseTransaction,
    platform_id: Uuid,
    filter: sea_orm::Condition,
) -> Result<invoices::Model, FinanceError> {
    invoices::Entity::find()
        .filter(invoices::Column::PlatformId.eq(platform_id))
        .filter(filter)
        .lock(LockType::Update)
        .one(txn)
        .await?
        .ok_or(FinanceError::NotFound("invoiced payment"))
}

/// Paise of the invoice already refunded or being refunded.
async fn refunded<C: ConnectionTrait>(conn: &C, invoice_id: Uuid) -> Result<i64, FinanceError> {
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT COALESCE(sum(amount_paise), 0)::bigint AS s FROM refunds
              WHERE invoice_id = $1 AND status <> 'failed'",
            [invoice_id.into()],
        ))
        .await?;
    Ok(row.map(|r| r.try_get("", "s")).transpose()?.unwrap_or(0))
}

async fn by_key<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    key: &str,
) -> Result<Option<refunds::Model>, FinanceError> {
    Ok(refunds::Entity::find()
        .filter(refunds::Column::PlatformId.eq(platform_id))
        .filter(refunds::Column::IdempotencyKey.eq(key))
        .one(conn)
        .await?)
}

/// The refund with its credit note.
pub async fn dto<C: ConnectionTrait>(
    conn: &C,
    r: refunds::Model,
) -> Result<RefundDto, FinanceError> {
    let note = credit_notes::Entity::find()
        .filter(credit_notes::Column::RefundId.eq(r.id))
        .one(conn)
        .await?;
    let mut dto = RefundDto::new(r, note);
    if let Some(n) = dto.credit_note.as_mut() {
        let invoice = invoices::Entity::find_by_id(n.invoice_id)
            .one(conn)
            .await?
            .ok_or(FinanceError::NotFound("invoice"))?;
        n.warning = crate::tax::credit_note_warning(invoice.issued_at, n.issued_at);
    }
    Ok(dto)
}

/// Asks Razorpay for a refund and issues its credit note. Answers the refund and whether it
/// was created now (a repeated `Idempotency-Key` answers the first one).
pub async fn request(
    db: &DatabaseConnection,
    razorpay: &Razorpay,
    config: &FinanceConfig,
    user: &AuthUser,
    key: Option<String>,
    req: RefundRequest,
) -> Result<(RefundDto, bool), FinanceError> {
    let platform_id = user.tenant.id;
    if let Some(k) = &key
        && let Some(first) = by_key(db, platform_id, k).await?
    {
        return Ok((dto(db, first).await?, false));
    }
    let reason = req.reason.trim().to_owned();
    if reason.is_empty() {
        return Err(FinanceError::Invalid("reason", "must not be blank".into()));
    }
    // 1. the refund row, under the invoice's lock (what is left cannot be refunded twice)
    let txn = db.begin().await?;
    let invoice = lock_invoice(
        &txn,
        platform_id,
        sea_orm::Condition::all().add(invoices::Column::RazorpayPaymentId.eq(&req.payment_id)),
    )
    .await
    .map_err(|e| match e {
        FinanceError::NotFound(_) => FinanceError::Invalid(
            "payment_id",
            "is not an invoiced payment of this platform".into(),
        ),
        other => other,
    })?;
    if invoice.user_id == user.id {
        return Err(FinanceError::Forbidden(
            "you cannot refund your own payment".into(),
        ));
    }
    let left = invoice.total_paise - refunded(&txn, invoice.id).await?;
    if req.amount_paise > left {
        return Err(FinanceError::Invalid(
            "amount_paise",
            format!("is more than what is left to refund of this payment ({left} paise)"),
        ));
    }
    let id = kernel::ids::new_id();
    let row = refunds::Model {
        id,
        platform_id,
        invoice_id: invoice.id,
        razorpay_payment_id: invoice.razorpay_payment_id.clone(),
        amount_paise: req.amount_paise,
        reason: reason.clone(),
        status: "pending".into(),
        razorpay_refund_id: None,
        idempotency_key: key.clone(),
        requested_by: Some(user.id),
        created_at: Utc::now(),
        processed_at: None,
    };
    let inserted = refunds::Entity::insert(refunds::ActiveModel::from(row.clone()))
        .exec_without_returning(&txn)
        .await;
    match inserted {
        Ok(_) => {}
        Err(e) if crate::error::violates(&e, "refunds_idempotency_unique") => {
            txn.rollback().await?;
            let first = by_key(db, platform_id, key.as_deref().unwrap_or_default())
                .await?
                .ok_or(FinanceError::NotFound("refund"))?;
            return Ok((dto(db, first).await?, false));
        }
        Err(e) => return Err(e.into()),
    }
    audit::record(
        &txn,
        audit::Audit::by(user, "finance.refund.request", "refund", id).after(serde_json::json!({
            "invoice_id": invoice.id, "amount_paise": req.amount_paise, "reason": reason,
        })),
    )
    .await?;
    txn.commit().await?;

    // 2. Razorpay (outside any transaction)
    let answer = razorpay
        .refund_payment(
            &invoice.razorpay_payment_id,
            req.amount_paise,
            &id.to_string(),
            serde_json::json!({ "refund_id": id.to_string() }),
        )
        .await;
    let rp = match answer {
        Ok(rp) => rp,
        Err(e) => {
            refunds::Entity::update_many()
                .col_expr(refunds::Column::Status, Expr::value("failed"))
                .filter(refunds::Column::Id.eq(id))
                .exec(db)
                .await?;
            tracing::warn!(refund_id = %id, error = %e, "Razorpay refused the refund");
            return Err(FinanceError::App(e.into()));
        }
    };

    // 3. the credit note, with Razorpay's refund id
    let txn = db.begin().await?;
    let invoice = lock_invoice(
        &txn,
        platform_id,
        sea_orm::Condition::all().add(invoices::Column::Id.eq(invoice.id)),
    )
    .await?;
    let processed = rp.status == "processed";
    refunds::Entity::update_many()
        .col_expr(
            refunds::Column::RazorpayRefundId,
            Expr::value(rp.id.clone()),
        )
        .col_expr(
            refunds::Column::Status,
            Expr::value(if processed { "processed" } else { "pending" }),
        )
        .col_expr(
            refunds::Column::ProcessedAt,
            Expr::value(processed.then(Utc::now)),
        )
        .filter(refunds::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    let note = credit_note_in(
        &txn,
        config,
        &invoice,
        id,
        req.amount_paise,
        &reason,
        Utc::now(),
    )
    .await?;
    let einvoice =
        super::einvoices::prepare_credit_note_in(&txn, config, &user.tenant, &invoice, &note)
            .await?;
    // the buyer's copy by email (an e-invoiced one waits for its IRN)
    let doc = crate::Document::CreditNote(note.id);
    super::mail::queue_in(
        &txn,
        config,
        &user.tenant,
        doc,
        einvoice.is_some_and(|e| e.queued),
    )
    .await?;
    txn.commit().await?;
    let row = refunds::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(FinanceError::NotFound("refund"))?;
    Ok((dto(db, row).await?, true))
}

/// `refund.processed`: settles the refund Razorpay confirmed; a refund made outside finance
/// (Razorpay's dashboard) gets its refund row and credit note here.
pub async fn settle(
    db: &DatabaseConnection,
    config: &FinanceConfig,
    tenant: &Tenant,
    event: &RefundProcessed,
    at: DateTime<Utc>,
) -> Result<Settled, FinanceError> {
    let txn = db.begin().await?;
    let invoice = match lock_invoice(
        &txn,
        tenant.id,
        sea_orm::Condition::all().add(invoices::Column::OrderId.eq(event.order_id)),
    )
    .await
    {
        Ok(i) => i,
        Err(FinanceError::NotFound(_)) => return Ok(Settled::NoInvoice),
        Err(e) => return Err(e),
    };
    let known = refunds::Entity::find()
        .filter(refunds::Column::RazorpayRefundId.eq(&event.razorpay_refund_id))
        .one(&txn)
        .await?;
    if let Some(r) = known {
        if r.status != "processed" {
            refunds::Entity::update_many()
                .col_expr(refunds::Column::Status, Expr::value("processed"))
                .col_expr(refunds::Column::ProcessedAt, Expr::value(Some(Utc::now())))
                .filter(refunds::Column::Id.eq(r.id))
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
        return Ok(Settled::Settled);
    }
    // a refund of ours still waiting for Razorpay's answer to be written: come back later
    let waiting = refunds::Entity::find()
        .filter(refunds::Column::InvoiceId.eq(invoice.id))
        .filter(refunds::Column::Status.eq("pending"))
        .filter(refunds::Column::RazorpayRefundId.is_null())
        .one(&txn)
        .await?;
    if waiting.is_some() {
        txn.rollback().await?;
        return Ok(Settled::Wait);
    }
    let left = invoice.total_paise - refunded(&txn, invoice.id).await?;
    let amount = event.amount_paise.min(left);
    if amount <= 0 {
        txn.commit().await?;
        return Ok(Settled::NothingLeft);
    }
    let id = kernel::ids::new_id();
    refunds::Entity::insert(refunds::ActiveModel {
        id: Set(id),
        platform_id: Set(tenant.id),
        invoice_id: Set(invoice.id),
        razorpay_payment_id: Set(invoice.razorpay_payment_id.clone()),
        amount_paise: Set(amount),
        reason: Set("refunded in Razorpay".into()),
        status: Set("processed".into()),
        razorpay_refund_id: Set(Some(event.razorpay_refund_id.clone())),
        idempotency_key: Set(None),
        requested_by: Set(None),
        created_at: Set(Utc::now()),
        processed_at: Set(Some(Utc::now())),
    })
    .exec_without_returning(&txn)
    .await?;
    let note = credit_note_in(
        &txn,
        config,
        &invoice,
        id,
        amount,
        "refunded in Razorpay",
        at,
    )
    .await?;
    let einvoice =
        super::einvoices::prepare_credit_note_in(&txn, config, tenant, &invoice, &note).await?;
    let doc = crate::Document::CreditNote(note.id);
    super::mail::queue_in(
        &txn,
        config,
        tenant,
        doc,
        einvoice.is_some_and(|e| e.queued),
    )
    .await?;
    txn.commit().await?;
    Ok(Settled::Recorded)
}

/// What [`settle`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    /// A refund of ours is now processed.
    Settled,
    /// A refund made outside finance was recorded with its credit note.
    Recorded,
    /// Our refund's Razorpay answer is not written yet: retry.
    Wait,
    /// The order has no invoice (not invoiced here).
    NoInvoice,
    /// Nothing of the invoice is left to credit.
    NothingLeft,
}

/// Issues the credit note of `amount` of a locked invoice in `txn`: the supplier's
/// credit-note series under the invoice's GSTIN, tax reversed in proportion per line, the
/// ledger reversal (revenue and GST payable debited, refunds credited).
pub async fn credit_note_in(
    txn: &DatabaseTransaction,
    config: &FinanceConfig,
    invoice: &invoices::Model,
    refund_id: Uuid,
    amount: i64,
    reason: &str,
    issued_at: DateTime<Utc>,
) -> Result<credit_notes::Model, FinanceError> {
    let lines = invoice_lines::Entity::find()
        .filter(invoice_lines::Column::InvoiceId.eq(invoice.id))
        .order_by_asc(invoice_lines::Column::Position)
        .all(txn)
        .await?;
    let earlier = txn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT l.position, sum(l.total_paise)::bigint AS total, sum(l.taxable_paise)::bigint AS taxable,
                    sum(l.cgst_paise)::bigint AS cgst, sum(l.igst_paise)::bigint AS igst
               FROM credit_note_lines l JOIN credit_notes c ON c.id = l.credit_note_id
              WHERE c.invoice_id = $1 GROUP BY l.position",
            [invoice.id.into()],
        ))
        .await?;
    let mut left: Vec<Left> = lines
        .iter()
        .map(|l| Left {
            total_paise: l.total_paise,
            taxable_paise: l.taxable_paise,
            cgst_paise: l.cgst_paise,
            igst_paise: l.igst_paise,
        })
        .collect();
    for r in earlier {
        let position: i32 = r.try_get("", "position")?;
        if let Some((_, l)) = lines
            .iter()
            .zip(left.iter_mut())
            .find(|(x, _)| x.position == position)
        {
            l.total_paise -= r.try_get::<i64>("", "total")?;
            l.taxable_paise -= r.try_get::<i64>("", "taxable")?;
            l.cgst_paise -= r.try_get::<i64>("", "cgst")?;
            l.igst_paise -= r.try_get::<i64>("", "igst")?;
        }
    }
    let reversed = tax::reverse(&left, amount)?;
    let series = match supplier::effective(txn, config, invoice.platform_id).await {
        Ok((s, _)) => s.credit_note_series,
        Err(_) => config
            .supplier
            .as_ref()
            .map(|s| s.credit_note_series.clone())
            .ok_or(FinanceError::SupplierNotConfigured)?,
    };
    let fy = tax::financial_year(issued_at);
    let (seq, number) = numbering::next(txn, &invoice.supplier_gstin, &series, &fy).await?;
    let sum = |f: fn(&tax::Reversal) -> i64| reversed.iter().map(f).sum::<i64>();
    let cgst = sum(|r| r.cgst_paise);
    let note = credit_notes::Model {
        id: kernel::ids::new_id(),
        platform_id: invoice.platform_id,
        invoice_id: invoice.id,
        refund_id: Some(refund_id),
        number,
        series,
        fy,
        seq,
        issued_at,
        supplier_gstin: invoice.supplier_gstin.clone(),
        place_of_supply: invoice.place_of_supply.clone(),
        classification: invoice.classification.clone(),
        reason: reason.chars().take(500).collect(),
        taxable_paise: sum(|r| r.taxable_paise),
        cgst_paise: cgst,
        sgst_paise: cgst,
        igst_paise: sum(|r| r.igst_paise),
        total_paise: sum(|r| r.total_paise),
        created_at: Utc::now(),
        email_queued_at: None,
    };
    credit_notes::Entity::insert(credit_notes::ActiveModel::from(note.clone()))
        .exec_without_returning(txn)
        .await?;
    let rows: Vec<credit_note_lines::ActiveModel> = lines
        .iter()
        .zip(&reversed)
        .map(|(l, r)| credit_note_lines::ActiveModel {
            id: Set(kernel::ids::new_id()),
            credit_note_id: Set(note.id),
            position: Set(l.position),
            description: Set(l.description.clone()),
            sac: Set(l.sac.clone()),
            rate_bp: Set(l.rate_bp),
            taxable_paise: Set(r.taxable_paise),
            cgst_paise: Set(r.cgst_paise),
            sgst_paise: Set(r.cgst_paise),
            igst_paise: Set(r.igst_paise),
            total_paise: Set(r.total_paise),
        })
        .collect();
    credit_note_lines::Entity::insert_many(rows)
        .exec_without_returning(txn)
        .await?;
    let entries = [
        ("refunds", -note.total_paise),
        ("revenue", note.taxable_paise),
        ("cgst_payable", note.cgst_paise),
        ("sgst_payable", note.sgst_paise),
        ("igst_payable", note.igst_paise),
    ];
    for (account, amount) in entries.into_iter().filter(|(_, a)| *a != 0) {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO finance_ledger (id, platform_id, account, amount_paise, invoice_id, credit_note_id, refund_id, memo)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            [
                kernel::ids::new_id().into(),
                invoice.platform_id.into(),
                account.into(),
                amount.into(),
                invoice.id.into(),
                note.id.into(),
                refund_id.into(),
                format!("credit note {}", note.number).into(),
            ],
        ))
        .await?;
    }
    Ok(note)
}

//! The crate's subscribers and jobs: `payment.captured` (published by payments for every
//! product, token packs and course enrolments alike) issues the order's invoice, once;
//! `refund.processed` settles a refund; `send-invoice` (`emailQueue`) mails the invoice PDF
//! to the buyer through comms' mailer.

use chrono::Utc;
use integrations::payments::events::{PaymentCaptured, RefundProcessed};
use jobs::{JobContext, JobError, JobSpec, Registry, ScheduleSpec};
use serde::{Deserialize, Serialize};

use crate::{
    Document, Finance, FinanceError,
    service::{einvoices, invoices, mail, payouts, refunds},
};

/// `finance-post-ai-costs` (`databaseQueue`, daily 01:30 IST): posts yesterday's AI cost of
/// every platform with finance to the ledger, once per day and platform.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostAiCosts {}

impl JobSpec for PostAiCosts {
    const QUEUE: &'static str = "databaseQueue";
    const NAME: &'static str = "finance-post-ai-costs";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// `finance-settlement-recon` (`databaseQueue`, daily 07:00 IST): reconciles yesterday's
/// Razorpay settlement report (nothing without Razorpay keys) and logs what did not match.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettlementRecon {}

impl JobSpec for SettlementRecon {
    const QUEUE: &'static str = "databaseQueue";
    const NAME: &'static str = "finance-settlement-recon";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// Registers the crate's subscribers and jobs; `mailer` is comms' (the gateway passes it).
pub fn workers(
    registry: &mut Registry,
    finance: &Finance,
    mailer: &comms::Mailer,
    payments: &integrations::payments::Payments,
) {
    let state = finance.clone();
    registry.handle(move |ctx: JobContext, job: einvoices::IrnJob| {
        let state = state.clone();
        async move {
            use einvoices::IrnError;
            if state.config().einvoice.mode == crate::config::EinvoiceMode::Nic && state.nic().is_none() {
                return Err(JobError::Retry(anyhow::Error::new(IrnError::NotConfigured)));
            }
            match einvoices::generate_via(&state.ctx().db, state.irp(), state.config(), job.einvoice_id).await {
                Ok(done) => {
                    if done != einvoices::IrnOutcome::Nothing {
                        // the invoice's email, released in the same transaction
                        state.jobs().notify_committed();
                    }
                    tracing::info!(job_id = %ctx.job_id, einvoice_id = %job.einvoice_id, ?done, "IRN asked");
                    Ok(())
                }
                Err(e @ (IrnError::NotConfigured | IrnError::Transient(_))) => {
                    Err(JobError::Retry(anyhow::Error::new(e)))
                }
                Err(IrnError::Finance(e)) => Err(JobError::Retry(anyhow::Error::new(e))),
            }
        }
    });
    let (state, payments) = (finance.clone(), payments.clone());
    registry
        .handle(move |ctx: JobContext, _job: SettlementRecon| {
            let (state, payments) = (state.clone(), payments.clone());
            async move {
                let Ok(razorpay) = payments.razorpay() else {
                    return Ok(());
                };
                let day = crate::tax::ist_date(Utc::now()) - chrono::Duration::days(1);
                let done = crate::service::settlements::reconcile_day(state.ctx(), state.config(), razorpay, day)
                    .await
                    .map_err(|e| JobError::Retry(anyhow::Error::new(e)))?;
                if done.mismatched + done.unmatched > 0 {
                    tracing::warn!(job_id = %ctx.job_id, %day, ?done, "Razorpay settlement lines did not match");
                } else {
                    tracing::info!(job_id = %ctx.job_id, %day, ?done, "Razorpay settlement reconciled");
                }
                Ok(())
            }
        })
        .schedule(ScheduleSpec::cron(
            "finance:settlement-recon",
            SettlementRecon::QUEUE,
            SettlementRecon::NAME,
            "0 0 7 * * *",
            jobs::schedule::IST,
        ));
    let state = finance.clone();
    registry
        .handle(move |ctx: JobContext, _job: PostAiCosts| {
            let state = state.clone();
            async move {
                let posted = crate::service::costs::post_ai_yesterday(state.ctx())
                    .await
                    .map_err(|e| JobError::Retry(anyhow::Error::new(e)))?;
                tracing::info!(job_id = %ctx.job_id, posted_paise = posted, "AI cost posted");
                Ok(())
            }
        })
        .schedule(ScheduleSpec::cron(
            "finance:post-ai-costs",
            PostAiCosts::QUEUE,
            PostAiCosts::NAME,
            "0 30 1 * * *",
            jobs::schedule::IST,
        ));
    let credit_note_mailer = mailer.clone();
    let (state, mailer) = (finance.clone(), mailer.clone());
    registry.handle(move |ctx: JobContext, job: mail::InvoiceEmail| {
        let (state, mailer) = (state.clone(), mailer.clone());
        async move {
            let db = &state.ctx().db;
            let tenant = ctx.tenant(state.ctx()).await?;
            let sent = mail::send(db, state.storage(), &mailer, &tenant, job.invoice_id).await;
            match &sent {
                Ok(done) => tracing::info!(job_id = %ctx.job_id, invoice_id = %job.invoice_id, ?done, "invoice email"),
                Err(e) => tracing::warn!(job_id = %ctx.job_id, invoice_id = %job.invoice_id, attempt = ctx.attempt, error = %e, "invoice email failed"),
            }
            sent.map(drop)
        }
    });
    let (state, mailer) = (finance.clone(), credit_note_mailer);
    registry.handle(move |ctx: JobContext, job: mail::CreditNoteEmail| {
        let (state, mailer) = (state.clone(), mailer.clone());
        async move {
            let db = &state.ctx().db;
            let tenant = ctx.tenant(state.ctx()).await?;
            let sent = mail::send_credit_note(db, &mailer, &tenant, job.credit_note_id).await;
            match &sent {
                Ok(done) => tracing::info!(job_id = %ctx.job_id, credit_note_id = %job.credit_note_id, ?done, "credit note email"),
                Err(e) => tracing::warn!(job_id = %ctx.job_id, credit_note_id = %job.credit_note_id, attempt = ctx.attempt, error = %e, "credit note email failed"),
            }
            sent.map(drop)
        }
    });
    let state = finance.clone();
    registry.handle(move |ctx: JobContext, job: mail::InvoiceEmailDue| {
        let state = state.clone();
        async move { wait_over(&state, &ctx, Document::Invoice(job.invoice_id)).await }
    });
    let state = finance.clone();
    registry.handle(move |ctx: JobContext, job: mail::CreditNoteEmailDue| {
        let state = state.clone();
        async move { wait_over(&state, &ctx, Document::CreditNote(job.credit_note_id)).await }
    });
    let state = finance.clone();
    registry.subscribe(
        "finance:invoice",
        move |ctx: JobContext, event: PaymentCaptured| {
            let state = state.clone();
            async move {
                let db = &state.ctx().db;
                let tenant = ctx.tenant(state.ctx()).await?;
                // the invoice is dated when the payment was captured (ADR 0068); an event
                // published before `captured_at` existed is dated now
                let issued_at = event.captured_at.unwrap_or_else(Utc::now);
                match invoices::issue(db, state.config(), &tenant, &event, issued_at).await {
                    Ok(done) => {
                        if done.created {
                            state.jobs().notify_committed();
                        }
                        tracing::info!(
                            job_id = %ctx.job_id,
                            order_id = %event.order_id,
                            invoice_id = %done.invoice.id,
                            created = done.created,
                            "invoice issued"
                        );
                        Ok(())
                    }
                    Err(e @ (FinanceError::Invalid(..) | FinanceError::Tax(_))) => {
                        Err(JobError::Permanent(anyhow::Error::new(e)))
                    }
                    Err(e) => Err(JobError::Retry(anyhow::Error::new(e))),
                }
            }
        },
    );
    let state = finance.clone();
    registry.subscribe(
        "finance:payout",
        move |ctx: JobContext, event: payouts::PayoutChanged| {
            let state = state.clone();
            async move {
                let db = &state.ctx().db;
                let tenant = ctx.tenant(state.ctx()).await?;
                match payouts::apply(db, &tenant, &event).await {
                    Ok(()) => {
                        tracing::info!(job_id = %ctx.job_id, payout_id = %event.payout_id, status = %event.status, "payout.changed");
                        Ok(())
                    }
                    Err(e @ FinanceError::Invalid(..)) => {
                        Err(JobError::Permanent(anyhow::Error::new(e)))
                    }
                    Err(e) => Err(JobError::Retry(anyhow::Error::new(e))),
                }
            }
        },
    );
    let state = finance.clone();
    registry.subscribe(
        "finance:refund",
        move |ctx: JobContext, event: RefundProcessed| {
            let state = state.clone();
            async move {
                let db = &state.ctx().db;
                let tenant = ctx.tenant(state.ctx()).await?;
                let done = refunds::settle(db, state.config(), &tenant, &event, Utc::now())
                    .await
                    .map_err(|e| JobError::Retry(anyhow::Error::new(e)))?;
                tracing::info!(job_id = %ctx.job_id, order_id = %event.order_id, ?done, "refund.processed");
                if done == refunds::Settled::Wait {
                    return Err(JobError::Retry(anyhow::anyhow!(
                        "the refund's Razorpay answer is not written yet"
                    )));
                }
                // every captured payment gets its invoice from its own event, which may not
                // have been handled yet: the refund waits for it rather than being dropped
                // (an invoice that never comes leaves this job in the dead letters)
                if done == refunds::Settled::NoInvoice {
                    return Err(JobError::Retry(anyhow::anyhow!(
                        "the refunded payment has no invoice yet"
                    )));
                }
                Ok(())
            }
        },
    );
}

/// The wait for a document's IRN is over (`*-email-due`): its email goes now unless the IRN's
/// answer sent it; the outbox relay is woken when it was queued here.
async fn wait_over(state: &Finance, ctx: &JobContext, doc: Document) -> Result<(), JobError> {
    let tenant = ctx.tenant(state.ctx()).await?;
    let queued = mail::release_due(&state.ctx().db, &tenant, doc)
        .await
        .map_err(|e| JobError::Retry(anyhow::Error::new(e)))?;
    if queued {
        state.jobs().notify_committed();
    }
    Ok(())
}

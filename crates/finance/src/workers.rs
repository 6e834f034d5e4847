//! The crate's subscribers: `payment.captured` (published by payments for every product,
//! token packs and course enrolments alike) issues the order's invoice, once.

use chrono::Utc;
use integrations::payments::events::{PaymentCaptured, RefundProcessed};
use jobs::{JobContext, JobError, Registry};

use crate::{
    Finance, FinanceError,
    service::{invoices, refunds},
};

/// Registers the crate's subscribers.
pub fn workers(registry: &mut Registry, finance: &Finance) {
    let state = finance.clone();
    registry.subscribe(
        "finance:invoice",
        move |ctx: JobContext, event: PaymentCaptured| {
            let state = state.clone();
            async move {
                let db = &state.ctx().db;
                let tenant = state
                    .ctx()
                    .tenants
                    .resolve(db, Some(&ctx.platform))
                    .await
                    .map_err(|e| JobError::Retry(anyhow::anyhow!("{e}")))?;
                match invoices::issue(db, state.config(), &tenant, &event, Utc::now()).await {
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
        "finance:refund",
        move |ctx: JobContext, event: RefundProcessed| {
            let state = state.clone();
            async move {
                let db = &state.ctx().db;
                let tenant = state
                    .ctx()
                    .tenants
                    .resolve(db, Some(&ctx.platform))
                    .await
                    .map_err(|e| JobError::Retry(anyhow::anyhow!("{e}")))?;
                let done = refunds::settle(db, state.config(), &tenant, &event, Utc::now())
                    .await
                    .map_err(|e| JobError::Retry(anyhow::Error::new(e)))?;
                tracing::info!(job_id = %ctx.job_id, order_id = %event.order_id, ?done, "refund.processed");
                if done == refunds::Settled::Wait {
                    return Err(JobError::Retry(anyhow::anyhow!(
                        "the refund's Razorpay answer is not written yet"
                    )));
                }
                Ok(())
            }
        },
    );
}

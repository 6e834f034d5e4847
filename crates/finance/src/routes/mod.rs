//! The HTTP routes of finance (behind the `finance` module).

pub mod billing;
pub mod costs;
pub mod credit_notes;
pub mod einvoices;
pub mod invoices;
pub mod refunds;
pub mod reports;
pub mod supplier;

use kernel::routes::{ServiceConfig, scope};
use kernel::tenant::ModuleGate;

/// The platform module these routes belong to.
pub const MODULE: &str = "finance";

/// Mounts every route of the crate.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        scope("/api/finance")
            .wrap(ModuleGate(MODULE))
            .service(invoices::list)
            .service(invoices::detail)
            .service(invoices::pdf)
            .service(invoices::my_pdf)
            .service(invoices::mine)
            .service(invoices::my_detail)
            .service(credit_notes::of_invoice)
            .service(credit_notes::of_my_invoice)
            .service(credit_notes::pdf)
            .service(credit_notes::my_pdf)
            .service(refunds::create)
            .service(reports::gst)
            .service(reports::ledger)
            .service(reports::pipeline_cost)
            .service(reports::sales_report)
            .service(reports::payouts_report)
            .service(reports::reconciliation)
            .service(costs::create)
            .service(einvoices::of_invoice)
            .service(einvoices::cancel)
            .service(billing::get_profile)
            .service(billing::put_profile),
    )
    .service(
        scope("/api/admin/finance")
            .wrap(ModuleGate(MODULE))
            .service(supplier::get_supplier)
            .service(supplier::put_supplier),
    );
}

//! The HTTP routes: the wallet (signed-in users), admin grants, corrections, packs and
//! reconciliation, and purchases (Razorpay's webhook is the shared payments' route in
//! `integrations`).

pub mod admin;
pub mod earnings;
pub mod purchase;
pub mod wallet;

use kernel::routes::{ServiceConfig, scope};
use kernel::tenant::ModuleGate;

/// The platform module these routes belong to.
pub const MODULE: &str = "tokens";

/// Mounts every route of the crate.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        scope("/api/tokens")
            .wrap(ModuleGate(MODULE))
            .service(wallet::balance)
            .service(wallet::transactions)
            .service(wallet::packs)
            .service(purchase::purchase)
            .service(purchase::verify),
    )
    .service(
        scope("/api/admin/tokens")
            .wrap(ModuleGate(MODULE))
            .service(admin::grant)
            .service(admin::correct)
            .service(admin::reconcile),
    )
    .service(
        scope("/api/admin/token-packs")
            .wrap(ModuleGate(MODULE))
            .service(admin::list_packs)
            .service(admin::create_pack)
            .service(admin::update_pack),
    )
    .service(
        scope("/api/mentor-earnings")
            .wrap(ModuleGate(MODULE))
            .service(earnings::mine)
            .service(earnings::periods)
            .service(earnings::request)
            .service(earnings::my_payouts),
    )
    .service(
        scope("/api/admin/payouts")
            .wrap(ModuleGate(MODULE))
            .service(earnings::list)
            .service(earnings::approve)
            .service(earnings::reject)
            .service(earnings::mark_paid),
    );
}

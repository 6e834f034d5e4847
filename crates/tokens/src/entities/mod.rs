//! The tables this crate owns.

pub mod ledger_accounts;
pub mod ledger_holds;
pub mod ledger_transfers;
pub mod payouts;
pub mod token_orders;
pub mod token_packs;

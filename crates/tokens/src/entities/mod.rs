//! The tables this crate owns.

pub mod ledger_accounts;
pub mod ledger_holds;
pub mod ledger_transfers;
pub mod payouts;
pub mod token_orders;
pub mod token_packs;

#[cfg(test)]
mod tests {
    use sea_orm::{ActiveEnum, Iterable};
    use serde_json::Value;

    use super::*;

    /// JSON spells every value as the database stores it.
    fn spelled_as_stored<T>()
    where
        T: ActiveEnum<Value = String> + Iterable + serde::Serialize,
    {
        for v in T::iter() {
            assert_eq!(
                serde_json::to_value(&v).ok(),
                Some(Value::String(v.to_value()))
            );
        }
    }

    #[test]
    fn statuses_and_kinds_are_spelled_as_stored() {
        spelled_as_stored::<ledger_accounts::AccountKind>();
        spelled_as_stored::<ledger_holds::HoldStatus>();
        spelled_as_stored::<ledger_transfers::TransferKind>();
        spelled_as_stored::<payouts::PayoutStatus>();
        spelled_as_stored::<token_orders::OrderStatus>();
        for k in ledger_accounts::AccountKind::iter() {
            assert_eq!(k.as_str(), k.to_value());
        }
        for k in ledger_transfers::TransferKind::iter() {
            assert_eq!(k.as_str(), k.to_value());
        }
    }
}

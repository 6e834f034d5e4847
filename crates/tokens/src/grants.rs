//! Admin grants and corrections: a transfer an admin asks for, written with its audit entry
//! (the user's balance before and after) in one transaction.

use kernel::{
    AppError,
    audit::{self, Audit},
    auth::AuthUser,
};
use sea_orm::{DatabaseConnection, TransactionTrait};
use serde_json::json;
use uuid::Uuid;

use crate::ledger::{self, Account, NewTransfer, Posted, TransferKind};

/// A transfer an admin asks for.
pub struct AdminTransfer<'a> {
    /// The transfer's idempotency key (`grant:<Idempotency-Key>`).
    pub key: String,
    /// What it is.
    pub kind: TransferKind,
    /// From.
    pub from: Account,
    /// To.
    pub to: Account,
    /// Tokens, > 0.
    pub amount: i64,
    /// Why (kept with the transfer and in the audit entry).
    pub reason: &'a str,
    /// Anything else (the request id is added).
    pub metadata: serde_json::Value,
    /// The audit action (`tokens.granted`, `tokens.corrected`).
    pub action: &'static str,
    /// The user whose balance changes.
    pub user_id: Uuid,
    /// The change to their balance (negative for a debit).
    pub signed_amount: i64,
}

/// Writes an admin's transfer in its own transaction, recording who asked and the request id,
/// and its audit entry (the user's balance before and after) in the same transaction.
pub async fn admin_transfer(
    db: &DatabaseConnection,
    admin: &AuthUser,
    t: AdminTransfer<'_>,
) -> Result<Posted, AppError> {
    let mut metadata = t.metadata;
    metadata["request_id"] = json!(kernel::request_id::current());
    let txn = db.begin().await?;
    let before = ledger::balance(&txn, admin.tenant.id, t.user_id)
        .await?
        .available;
    let posted = ledger::transfer(
        &txn,
        NewTransfer {
            platform_id: admin.tenant.id,
            key: &t.key,
            kind: t.kind,
            from: t.from,
            to: t.to,
            amount: t.amount,
            hold_id: None,
            reason: t.reason,
            metadata,
            created_by: Some(admin.id),
        },
    )
    .await?;
    if posted.created {
        let after = ledger::balance(&txn, admin.tenant.id, t.user_id)
            .await?
            .available;
        audit::record(
            &txn,
            Audit::by(admin, t.action, "user", t.user_id).change(
                json!({"available": before}),
                json!({"available": after, "amount": t.signed_amount, "reason": t.reason,
                       "transfer_id": posted.transfer.id}),
            ),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(posted)
}

//! Mentor earnings: a completed session posts its hold to the mentor's earnings and the
//! platform's commission (`MENTOR_COMMISSION_PERCENT`) in one settlement; mentors request
//! payouts (at least `MIN_PAYOUT_TOKENS`, one open request at a time); admins or finance
//! approve, reject, or mark them paid with a reference, which debits the earnings.

use chrono::Utc;
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    DatabaseConnection, DbBackend, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect, Statement, TransactionTrait, sea_query::LockType,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use kernel::{
    Tenant,
    audit::{self, Audit},
};

use crate::{
    entities::payouts::{self, PayoutStatus},
    error::TokensError,
    ledger::{
        self, Account, AccountKind, NewTransfer, TransferKind,
        holds::{self, Settled, Settlement},
    },
    settings,
};

/// Posts a session's hold to `mentor` less the platform's commission (once; a second call
/// changes nothing). The caller passes its transaction.
pub async fn post_session<C: ConnectionTrait>(
    conn: &C,
    hold_id: Uuid,
    mentor: Uuid,
) -> Result<Settled, TokensError> {
    let hold = crate::entities::ledger_holds::Entity::find_by_id(hold_id)
        .one(conn)
        .await?
        .ok_or(TokensError::NotFound("hold"))?;
    let percent = settings::COMMISSION_PERCENT
        .int_value(conn, hold.platform_id)
        .await?;
    let bps = u32::try_from(percent * 100).unwrap_or(2_000);
    holds::settle(
        conn,
        hold_id,
        Settlement::post_all(hold.amount, mentor, bps),
    )
    .await
}

/// A mentor's earnings summary, in tokens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Summary {
    /// Earned and not yet requested.
    pub available: i64,
    /// In an open payout request.
    pub pending_payout: i64,
    /// Paid out so far.
    pub paid: i64,
    /// What `available` is worth in paise at `TOKEN_VALUE_PAISE`.
    pub available_value_paise: i64,
    /// Paise per token.
    pub token_value_paise: i64,
}

#[derive(Debug, FromQueryResult)]
struct Sums {
    balance: i64,
    pending: i64,
    paid: i64,
}

/// The summary of `mentor`'s earnings.
pub async fn summary<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    mentor: Uuid,
) -> Result<Summary, TokensError> {
    let sums = Sums::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT
            coalesce((SELECT balance FROM ledger_accounts
                       WHERE platform_id = $1 AND kind = 'mentor_earnings' AND owner_id = $2), 0)::bigint AS balance,
            coalesce((SELECT sum(amount) FROM payouts
                       WHERE platform_id = $1 AND mentor_id = $2 AND status IN ('requested', 'approved')), 0)::bigint AS pending,
            coalesce((SELECT sum(amount) FROM payouts
                       WHERE platform_id = $1 AND mentor_id = $2 AND status = 'paid'), 0)::bigint AS paid",
        [platform_id.into(), mentor.into()],
    ))
    .one(conn)
    .await?
    .ok_or(TokensError::NotFound("earnings"))?;
    let value = settings::TOKEN_VALUE_PAISE
        .int_value(conn, platform_id)
        .await?;
    let available = sums.balance - sums.pending;
    Ok(Summary {
        available,
        pending_payout: sums.pending,
        paid: sums.paid,
        available_value_paise: available.saturating_mul(value),
        token_value_paise: value,
    })
}

/// Earnings of one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, FromQueryResult)]
pub struct Period {
    /// First day of the month (UTC), `YYYY-MM-01`.
    pub period: String,
    /// Tokens earned (sessions posted) in the period.
    pub earned: i64,
    /// Sessions posted in the period.
    pub sessions: i64,
}

/// Earnings by month, newest first (at most 24).
pub async fn by_month<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    mentor: Uuid,
) -> Result<Vec<Period>, TokensError> {
    Ok(Period::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT to_char(date_trunc('month', t.created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS period,
                sum(t.amount)::bigint AS earned, count(*) AS sessions
           FROM ledger_transfers t
           JOIN ledger_accounts a ON a.id = t.credit_account
          WHERE a.platform_id = $1 AND a.kind = 'mentor_earnings' AND a.owner_id = $2
            AND t.kind = 'hold_post'
          GROUP BY 1 ORDER BY 1 DESC LIMIT 24",
        [platform_id.into(), mentor.into()],
    ))
    .all(conn)
    .await?)
}

/// Requests a payout of `amount` tokens, in its own transaction.
pub async fn request(
    db: &DatabaseConnection,
    tenant: &Tenant,
    mentor: Uuid,
    amount: i64,
) -> Result<payouts::Model, TokensError> {
    let txn = db.begin().await?;
    let payout = request_in(&txn, tenant.id, mentor, amount).await?;
    publish_change(&txn, tenant, &payout).await?;
    txn.commit().await?;
    Ok(payout)
}

/// `payout.changed` of `payout` as it is now, through the outbox in the caller's transaction
/// (valued at the platform's `TOKEN_VALUE_PAISE` now).
async fn publish_change<C: ConnectionTrait>(
    conn: &C,
    tenant: &Tenant,
    payout: &payouts::Model,
) -> Result<(), TokensError> {
    let value = settings::TOKEN_VALUE_PAISE
        .int_value(conn, tenant.id)
        .await?;
    jobs::outbox::publish_in(
        conn,
        tenant,
        &crate::events::PayoutChanged {
            payout_id: payout.id,
            mentor_id: payout.mentor_id,
            platform_id: tenant.id,
            status: payout.status.to_value(),
            tokens: payout.amount,
            value_paise: payout.amount.saturating_mul(value),
            at: payout.updated_at,
        },
    )
    .await?;
    Ok(())
}

/// [`request`] inside the caller's transaction.
pub async fn request_in<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    mentor: Uuid,
    amount: i64,
) -> Result<payouts::Model, TokensError> {
    let minimum = settings::MIN_PAYOUT_TOKENS
        .int_value(conn, platform_id)
        .await?;
    if amount < minimum {
        return Err(TokensError::Invalid {
            field: "amount",
            message: format!("must be at least {minimum} tokens"),
        });
    }
    // serialize requests of one mentor on their earnings account
    let account = ledger::account_id(conn, platform_id, Account::earnings(mentor)).await?;
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT 1 FROM ledger_accounts WHERE id = $1 FOR UPDATE",
        [account.into()],
    ))
    .await?;
    let open = payouts::Entity::find()
        .filter(payouts::Column::PlatformId.eq(platform_id))
        .filter(payouts::Column::MentorId.eq(mentor))
        .filter(payouts::Column::Status.is_in([PayoutStatus::Requested, PayoutStatus::Approved]))
        .one(conn)
        .await?;
    if open.is_some() {
        return Err(TokensError::PayoutOpen);
    }
    let s = summary(conn, platform_id, mentor).await?;
    if amount > s.available {
        return Err(TokensError::Invalid {
            field: "amount",
            message: format!("only {} tokens are available for payout", s.available),
        });
    }
    let now = Utc::now();
    Ok(payouts::ActiveModel {
        id: Set(kernel::ids::new_id()),
        platform_id: Set(platform_id),
        mentor_id: Set(mentor),
        amount: Set(amount),
        status: Set(PayoutStatus::Requested),
        reference: Set(None),
        reason: Set(None),
        transfer_id: Set(None),
        decided_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(conn)
    .await?)
}

/// What an admin decides about a payout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Approve for payment.
    Approve,
    /// Reject with a reason (the tokens stay earned).
    Reject(String),
    /// Paid outside, with the bank/UPI reference: debits the earnings.
    MarkPaid(String),
}

/// A mentor's own payout requests, newest first (at most 100).
pub async fn payouts_of<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    mentor: Uuid,
) -> Result<Vec<payouts::Model>, TokensError> {
    Ok(payouts::Entity::find()
        .filter(payouts::Column::PlatformId.eq(platform_id))
        .filter(payouts::Column::MentorId.eq(mentor))
        .order_by_desc(payouts::Column::CreatedAt)
        .limit(100)
        .all(conn)
        .await?)
}

/// The platform's payout requests, newest first (at most 200), only those in `status` when
/// given.
pub async fn payouts_of_platform<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    status: Option<PayoutStatus>,
) -> Result<Vec<payouts::Model>, TokensError> {
    let mut q = payouts::Entity::find().filter(payouts::Column::PlatformId.eq(platform_id));
    if let Some(status) = status {
        q = q.filter(payouts::Column::Status.eq(status));
    }
    Ok(q.order_by_desc(payouts::Column::CreatedAt)
        .limit(200)
        .all(conn)
        .await?)
}

/// [`decide_in`] in its own transaction.
pub async fn decide(
    db: &DatabaseConnection,
    tenant: &Tenant,
    payout_id: Uuid,
    by: Uuid,
    decision: Decision,
) -> Result<payouts::Model, TokensError> {
    let txn = db.begin().await?;
    let before = payouts::Entity::find_by_id(payout_id)
        .filter(payouts::Column::PlatformId.eq(tenant.id))
        .one(&txn)
        .await?
        .map(|p| p.status);
    let payout = decide_in(&txn, tenant.id, payout_id, by, decision).await?;
    if before != Some(payout.status) {
        publish_change(&txn, tenant, &payout).await?;
    }
    txn.commit().await?;
    Ok(payout)
}

/// Applies a decision (admins/finance) and audits it with the old and new status. Nobody
/// decides on their own payout (403 `own_payout`). Moving a payout to the state it is already
/// in changes nothing; other moves out of a final state are 409 `payout_settled`.
pub async fn decide_in<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    payout_id: Uuid,
    by: Uuid,
    decision: Decision,
) -> Result<payouts::Model, TokensError> {
    let payout = payouts::Entity::find_by_id(payout_id)
        .filter(payouts::Column::PlatformId.eq(platform_id))
        .lock(LockType::Update)
        .one(conn)
        .await?
        .ok_or(TokensError::NotFound("payout"))?;
    if payout.mentor_id == by {
        return Err(TokensError::OwnPayout);
    }
    let target = match &decision {
        Decision::Approve => PayoutStatus::Approved,
        Decision::Reject(_) => PayoutStatus::Rejected,
        Decision::MarkPaid(_) => PayoutStatus::Paid,
    };
    if payout.status == target {
        return Ok(payout);
    }
    if matches!(payout.status, PayoutStatus::Paid | PayoutStatus::Rejected) {
        return Err(TokensError::PayoutSettled(payout.status.to_value()));
    }
    let mut active: payouts::ActiveModel = payout.clone().into();
    match decision {
        Decision::Approve => {}
        Decision::Reject(reason) => active.reason = Set(Some(reason)),
        Decision::MarkPaid(reference) => {
            let posted = ledger::transfer(
                conn,
                NewTransfer {
                    platform_id,
                    key: &format!("payout:{}", payout.id),
                    kind: TransferKind::Payout,
                    from: Account::earnings(payout.mentor_id),
                    to: Account::platform(AccountKind::PlatformPayouts),
                    amount: payout.amount,
                    hold_id: None,
                    reason: &reference,
                    metadata: json!({"payout_id": payout.id}),
                    created_by: Some(by),
                },
            )
            .await?;
            active.transfer_id = Set(Some(posted.transfer.id));
            active.reference = Set(Some(reference));
        }
    }
    active.status = Set(target);
    active.decided_by = Set(Some(by));
    active.updated_at = Set(Utc::now());
    let saved = active.update(conn).await?;
    let action = match target {
        PayoutStatus::Approved => "payout.approved",
        PayoutStatus::Rejected => "payout.rejected",
        _ => "payout.paid",
    };
    audit::record(
        conn,
        Audit::new(platform_id, Some(by), action, "payout", payout.id).change(
            json!({"status": payout.status, "amount": payout.amount, "mentor_id": payout.mentor_id}),
            json!({"status": saved.status, "reason": saved.reason, "reference": saved.reference,
                   "transfer_id": saved.transfer_id}),
        ),
    )
    .await?;
    Ok(saved)
}

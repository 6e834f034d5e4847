//! The `tokens` section of the student profile for AI agents (`integrations::profile`): the
//! user's balances on the platform, the tokens spent on held sessions and the tokens bought.

use integrations::{
    dto::profile::TokensSection,
    profile::{ProfileSection, SectionFuture, Subject},
};
use kernel::AppError;
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};
use uuid::Uuid;

use crate::ledger;

/// The section (registered by the gateway).
#[derive(Debug, Clone, Copy, Default)]
pub struct TokensProfile;

#[derive(Debug, FromQueryResult)]
struct Totals {
    spent: i64,
    purchased: i64,
}

/// The user's wallet on the platform.
pub async fn section(
    conn: &impl ConnectionTrait,
    platform_id: Uuid,
    user_id: Uuid,
) -> Result<TokensSection, sea_orm::DbErr> {
    let balance = ledger::balance(conn, platform_id, user_id).await?;
    let totals = Totals::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT COALESCE(SUM(t.amount) FILTER (WHERE t.kind IN ('hold_post', 'hold_commission')
                    AND d.owner_id = $2 AND d.kind = 'user_held'), 0)::bigint AS spent,
                COALESCE(SUM(t.amount) FILTER (WHERE t.kind = 'purchase'
                    AND c.owner_id = $2 AND c.kind = 'user_available'), 0)::bigint AS purchased
           FROM ledger_transfers t
           JOIN ledger_accounts d ON d.id = t.debit_account
           JOIN ledger_accounts c ON c.id = t.credit_account
          WHERE t.platform_id = $1 AND (d.owner_id = $2 OR c.owner_id = $2)",
        [platform_id.into(), user_id.into()],
    ))
    .one(conn)
    .await?;
    let (spent, purchased) = totals.map_or((0, 0), |t| (t.spent, t.purchased));
    Ok(TokensSection {
        available: balance.available,
        held: balance.held,
        spent,
        purchased,
    })
}

impl ProfileSection for TokensProfile {
    fn name(&self) -> &'static str {
        "tokens"
    }

    fn load<'a>(&'a self, subject: Subject<'a>) -> SectionFuture<'a> {
        Box::pin(async move {
            let found = section(subject.db, subject.tenant.id, subject.user_id).await?;
            let value = serde_json::to_value(found).map_err(|e| AppError::Unexpected(e.into()))?;
            Ok::<_, AppError>(Some(value))
        })
    }
}

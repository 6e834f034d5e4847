//! Token governance v1, behind `TOKEN_GOVERNANCE_ENABLED` (per platform; off by default, as in the seed):
//! a per-user cap on tokens committed to holds per UTC day (`TOKEN_DAILY_SPEND_CAP`) and a
//! longest time a hold may stay pending (`TOKEN_MAX_HOLD_HOURS`, against the hold's
//! settlement deadline).

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};
use uuid::Uuid;

use crate::{error::TokensError, settings};

/// The rules in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// Most tokens held per user per UTC day.
    pub daily_spend_cap: i64,
    /// Longest pending time of a hold.
    pub max_hold: Duration,
}

impl Rules {
    /// The rules, or `None` while governance is off.
    pub async fn load<C: ConnectionTrait>(
        conn: &C,
        platform_id: Uuid,
    ) -> Result<Option<Self>, sea_orm::DbErr> {
        if !settings::GOVERNANCE_ENABLED
            .bool_value(conn, platform_id)
            .await?
        {
            return Ok(None);
        }
        Ok(Some(Self {
            daily_spend_cap: settings::DAILY_SPEND_CAP
                .int_value(conn, platform_id)
                .await?,
            max_hold: Duration::hours(
                settings::MAX_HOLD_HOURS
                    .int_value(conn, platform_id)
                    .await?,
            ),
        }))
    }

    /// Checks a new hold of `amount` for `user`, settling by `deadline`.
    pub async fn check<C: ConnectionTrait>(
        &self,
        conn: &C,
        platform_id: Uuid,
        user: Uuid,
        amount: i64,
        deadline: Option<DateTime<Utc>>,
    ) -> Result<(), TokensError> {
        if let Some(deadline) = deadline
            && deadline > Utc::now() + self.max_hold
        {
            return Err(TokensError::HoldTooLong {
                max_hours: self.max_hold.num_hours(),
            });
        }
        #[derive(FromQueryResult)]
        struct Spent {
            spent: i64,
        }
        let spent = Spent::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT coalesce(sum(amount), 0)::bigint AS spent FROM ledger_holds
              WHERE platform_id = $1 AND user_id = $2
                AND created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'",
            [platform_id.into(), user.into()],
        ))
        .one(conn)
        .await?
        .map_or(0, |s| s.spent);
        if spent + amount > self.daily_spend_cap {
            return Err(TokensError::DailySpendCapExceeded {
                spent,
                cap: self.daily_spend_cap,
            });
        }
        Ok(())
    }
}

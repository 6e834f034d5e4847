//! Discounts on a lead's course deal with approval limits per role (ADR 0076). A proposal
//! within the proposer's limit (`CRM_DISCOUNT_LIMIT_SALES_PERCENT` for SALES,
//! `CRM_DISCOUNT_LIMIT_SALES_HEAD_PERCENT` for a sales head, none for ADMIN) is approved at
//! once; above it, it waits for a sales head of the lead's team (when within their limit) or
//! an admin. A proposal on a `stated` list price (no course price known) is never approved at
//! once: it waits the same way, whatever the proposer's limit. Nobody decides their own
//! proposal; the decision is one conditional `UPDATE .. WHERE status = 'pending'`, so of two
//! approvers at once one wins and the other gets 409.
//! Every step is audited and on the lead's timeline.

use chrono::{DateTime, Utc};
use kernel::{
    audit::{self, Audit},
    auth::{AuthUser, Capability},
};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Statement, TransactionTrait,
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    CrmError,
    dto::discounts::{
        DiscountDecision, DiscountDto, DiscountFilter, DiscountKind, DiscountStatus, NewDiscount,
    },
    entities::ActivityKind,
    service::{
        access::{self, View},
        courses,
        leads::{add_activity, visible},
    },
    settings,
};

const COLUMNS: &str = "id, lead_id, proposed_by, list_price_paise, price_source, kind, value, \
     discount_paise, discount_bp, reason, status, auto_approved, approver_role, decided_by, \
     decided_at, decision_reason, created_at";

#[derive(Debug, FromQueryResult)]
struct Row {
    id: Uuid,
    lead_id: Uuid,
    proposed_by: Uuid,
    list_price_paise: i64,
    price_source: String,
    kind: String,
    value: i64,
    discount_paise: i64,
    discount_bp: i32,
    reason: Option<String>,
    status: String,
    auto_approved: bool,
    approver_role: Option<String>,
    decided_by: Option<Uuid>,
    decided_at: Option<DateTime<Utc>>,
    decision_reason: Option<String>,
    created_at: DateTime<Utc>,
}

impl From<Row> for DiscountDto {
    fn from(r: Row) -> Self {
        Self {
            id: r.id,
            lead_id: r.lead_id,
            proposed_by: r.proposed_by,
            list_price_paise: r.list_price_paise,
            price_source: r.price_source,
            kind: if r.kind == "percent" {
                DiscountKind::Percent
            } else {
                DiscountKind::Amount
            },
            value: r.value,
            discount_paise: r.discount_paise,
            final_price_paise: r.list_price_paise - r.discount_paise,
            discount_bp: r.discount_bp,
            reason: r.reason,
            status: match r.status.as_str() {
                "approved" => DiscountStatus::Approved,
                "rejected" => DiscountStatus::Rejected,
                _ => DiscountStatus::Pending,
            },
            auto_approved: r.auto_approved,
            approver_role: r.approver_role,
            decided_by: r.decided_by,
            decided_at: r.decided_at,
            decision_reason: r.decision_reason,
            created_at: r.created_at,
        }
    }
}

/// Whether a discount of `discount` paise off `list` paise is within `limit_percent`
/// (exact integer arithmetic; `None` is no limit).
pub fn within(discount: i64, list: i64, limit_percent: Option<i64>) -> bool {
    limit_percent.is_none_or(|l| i128::from(discount) * 100 <= i128::from(l) * i128::from(list))
}

/// The discount in paise for a proposal on `list` paise, or a 422 on `value`.
pub fn discount_paise(kind: DiscountKind, value: i64, list: i64) -> Result<i64, CrmError> {
    let paise = match kind {
        DiscountKind::Amount => value,
        DiscountKind::Percent => {
            if !(1..=100).contains(&value) {
                return Err(CrmError::Invalid(
                    "value",
                    "a percent discount is a whole percent from 1 to 100".into(),
                ));
            }
            i64::try_from(i128::from(list) * i128::from(value) / 100).unwrap_or(i64::MAX)
        }
    };
    if paise < 1 || paise > list {
        return Err(CrmError::Invalid(
            "value",
            format!("the discount must be between 1 paise and the list price ({list} paise)"),
        ));
    }
    Ok(paise)
}

/// The limit of `user` in percent (`None`: unlimited).
async fn limit_of<C: ConnectionTrait>(conn: &C, user: &AuthUser) -> Result<Option<i64>, CrmError> {
    if user.role.is_admin() {
        return Ok(None);
    }
    let key = if user.caps.contains(&Capability::SalesHead) {
        settings::DISCOUNT_LIMIT_SALES_HEAD_PERCENT
    } else {
        settings::DISCOUNT_LIMIT_SALES_PERCENT
    };
    Ok(Some(key.int_value(conn, user.tenant.id).await?))
}

async fn one<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    id: Uuid,
) -> Result<Option<Row>, CrmError> {
    Ok(Row::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("SELECT {COLUMNS} FROM lead_discounts WHERE id = $1 AND platform_id = $2"),
        [id.into(), platform_id.into()],
    ))
    .one(conn)
    .await?)
}

/// The largest discount approved for the lead, in paise (0 without one): what an agreement
/// for the lead's course may take off the course's price (ADR 0095).
pub async fn approved_paise<C: ConnectionTrait>(conn: &C, lead_id: Uuid) -> Result<i64, CrmError> {
    Ok(conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT COALESCE(max(discount_paise), 0)::bigint AS paise FROM lead_discounts \
             WHERE lead_id = $1 AND status = 'approved'",
            [lead_id.into()],
        ))
        .await?
        .map(|r| r.try_get::<i64>("", "paise"))
        .transpose()?
        .unwrap_or(0))
}

/// Proposes a discount on a lead the caller sees: approved at once within their limit when
/// the list price is the course's, else (above the limit, or on a stated list price) pending
/// for a sales head of the lead's team (within the head limit) or an admin.
pub async fn propose(
    db: &DatabaseConnection,
    user: &AuthUser,
    req: NewDiscount,
) -> Result<DiscountDto, CrmError> {
    let txn = db.begin().await?;
    let lead = visible(&txn, user, req.lead_id, true).await?;
    let (list, source) = match courses::named(&txn, user.tenant.id, lead.course.as_deref(), true)
        .await?
        .map(|c| c.price_paise)
    {
        Some(price) => (price, "course"),
        None => (
            req.list_price_paise.ok_or_else(|| {
                CrmError::Invalid(
                    "list_price_paise",
                    "the lead's course has no price on this platform: give the list price".into(),
                )
            })?,
            "stated",
        ),
    };
    let paise = discount_paise(req.kind, req.value, list)?;
    let bp = i32::try_from((i128::from(paise) * 10_000 + i128::from(list) - 1) / i128::from(list))
        .unwrap_or(10_000);
    // a stated list price is the proposer's word: measured against it, an inflated price
    // would make any discount look small, so it is never approved at once
    let auto = source == "course" && within(paise, list, limit_of(&txn, user).await?);
    let approver_role = if auto {
        None
    } else if within(
        paise,
        list,
        Some(
            settings::DISCOUNT_LIMIT_SALES_HEAD_PERCENT
                .int_value(&txn, user.tenant.id)
                .await?,
        ),
    ) && !user.caps.contains(&Capability::SalesHead)
    {
        Some("sales_head")
    } else {
        Some("admin")
    };
    let id = kernel::ids::new_id();
    let kind = match req.kind {
        DiscountKind::Amount => "amount",
        DiscountKind::Percent => "percent",
    };
    let status = if auto { "approved" } else { "pending" };
    let inserted = txn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO lead_discounts (id, platform_id, lead_id, proposed_by, list_price_paise, \
             price_source, kind, value, discount_paise, discount_bp, reason, status, \
             auto_approved, approver_role, decided_by, decided_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
             CASE WHEN $13 THEN now() END) ON CONFLICT DO NOTHING",
            [
                id.into(),
                user.tenant.id.into(),
                lead.id.into(),
                user.id.into(),
                list.into(),
                source.into(),
                kind.into(),
                req.value.into(),
                paise.into(),
                bp.into(),
                req.reason.clone().into(),
                status.into(),
                auto.into(),
                approver_role.map(str::to_owned).into(),
                auto.then_some(user.id).into(),
            ],
        ))
        .await?;
    if inserted.rows_affected() == 0 {
        return Err(CrmError::DiscountPending);
    }
    add_activity(
        &txn,
        user.tenant.id,
        lead.id,
        ActivityKind::Discount,
        Some(user.id),
        json!({"discount_id": id, "action": "proposed", "status": status,
               "discount_paise": paise, "list_price_paise": list, "approver_role": approver_role}),
    )
    .await?;
    audit::record(
        &txn,
        Audit::by(user, "lead_discount.proposed", "lead_discount", id).after(json!({
            "lead_id": lead.id, "kind": kind, "value": req.value, "list_price_paise": list,
            "discount_paise": paise, "status": status,
        })),
    )
    .await?;
    let row = one(&txn, user.tenant.id, id)
        .await?
        .ok_or(CrmError::NotFound("discount"))?;
    txn.commit().await?;
    Ok(row.into())
}

/// Approves (`approve = true`) or rejects a pending discount. The caller must see the lead,
/// must not be its proposer, and must be an admin or a sales head whose limit covers it
/// (within their team: the lead is in their view). Of two deciders at once, one wins; the
/// other gets 409 `discount_already_decided`.
pub async fn decide(
    db: &DatabaseConnection,
    user: &AuthUser,
    id: Uuid,
    approve: bool,
    req: DiscountDecision,
) -> Result<DiscountDto, CrmError> {
    if !approve && req.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
        return Err(CrmError::Invalid(
            "reason",
            "say why the discount is rejected".into(),
        ));
    }
    let txn = db.begin().await?;
    let row = one(&txn, user.tenant.id, id)
        .await?
        .ok_or(CrmError::NotFound("discount"))?;
    // 404 unless the caller sees the lead
    visible(&txn, user, row.lead_id, false).await?;
    if row.status != "pending" {
        return Err(CrmError::DiscountDecided(row.status));
    }
    if row.proposed_by == user.id {
        return Err(CrmError::OwnDiscount);
    }
    if !user.role.is_admin() {
        if !user.caps.contains(&Capability::SalesHead) {
            return Err(CrmError::OverLimit(
                "only a sales head of the lead's team or an admin approves discounts".into(),
            ));
        }
        let limit = limit_of(&txn, user).await?;
        if approve && !within(row.discount_paise, row.list_price_paise, limit) {
            return Err(CrmError::OverLimit(format!(
                "the discount is above your limit of {}%: an admin approves it",
                limit.unwrap_or(100)
            )));
        }
    }
    let status = if approve { "approved" } else { "rejected" };
    let updated = txn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE lead_discounts SET status = $3, decided_by = $4, decided_at = now(), \
             decision_reason = $5 WHERE id = $1 AND platform_id = $2 AND status = 'pending'",
            [
                id.into(),
                user.tenant.id.into(),
                status.into(),
                user.id.into(),
                req.reason.clone().into(),
            ],
        ))
        .await?;
    if updated.rows_affected() == 0 {
        // another decider committed first (this UPDATE waited on its row lock)
        return Err(CrmError::DiscountDecided("decided".into()));
    }
    add_activity(
        &txn,
        user.tenant.id,
        row.lead_id,
        ActivityKind::Discount,
        Some(user.id),
        json!({"discount_id": id, "action": status, "status": status,
               "discount_paise": row.discount_paise, "reason": req.reason}),
    )
    .await?;
    audit::record(
        &txn,
        Audit::by(
            user,
            if approve {
                "lead_discount.approved"
            } else {
                "lead_discount.rejected"
            },
            "lead_discount",
            id,
        )
        .change(
            json!({"status": "pending"}),
            json!({"status": status, "reason": req.reason}),
        ),
    )
    .await?;
    let row = one(&txn, user.tenant.id, id)
        .await?
        .ok_or(CrmError::NotFound("discount"))?;
    txn.commit().await?;
    Ok(row.into())
}

/// The discounts on leads the caller sees, newest first (at most 200): one lead's, or the
/// pending ones as an approval queue.
pub async fn list(
    db: &DatabaseConnection,
    user: &AuthUser,
    filter: &DiscountFilter,
) -> Result<Vec<DiscountDto>, CrmError> {
    if let Some(lead) = filter.lead_id {
        visible(db, user, lead, false).await?;
    }
    let owners: Option<Vec<Uuid>> = match access::view_of(db, user).await? {
        View::Platform => None,
        View::Owners(ids) => Some(ids),
    };
    let status = filter.status.map(|s| match s {
        DiscountStatus::Approved => "approved",
        DiscountStatus::Pending => "pending",
        DiscountStatus::Rejected => "rejected",
    });
    let rows = Row::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {} FROM lead_discounts d WHERE d.platform_id = $1 \
             AND ($2::uuid IS NULL OR d.lead_id = $2) AND ($3::text IS NULL OR d.status = $3) \
             AND ($4::uuid[] IS NULL OR EXISTS (SELECT 1 FROM leads l WHERE l.id = d.lead_id \
                  AND l.owner_id = ANY($4))) \
             ORDER BY d.created_at DESC, d.id DESC LIMIT 200",
            COLUMNS
                .split(", ")
                .map(|c| format!("d.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        [
            user.tenant.id.into(),
            filter.lead_id.into(),
            status.into(),
            owners.into(),
        ],
    ))
    .all(db)
    .await?;
    Ok(rows.into_iter().map(DiscountDto::from).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_and_amounts_are_exact_integers() {
        assert!(within(10_000, 100_000, Some(10)));
        assert!(!within(10_001, 100_000, Some(10)));
        assert!(within(100_000, 100_000, None));
        assert_eq!(
            discount_paise(DiscountKind::Percent, 15, 99_999).ok(),
            Some(14_999)
        );
        assert_eq!(
            discount_paise(DiscountKind::Amount, 500, 1_000).ok(),
            Some(500)
        );
        assert!(discount_paise(DiscountKind::Amount, 1_001, 1_000).is_err());
        assert!(discount_paise(DiscountKind::Percent, 101, 1_000).is_err());
        assert!(discount_paise(DiscountKind::Percent, 1, 50).is_err());
    }
}

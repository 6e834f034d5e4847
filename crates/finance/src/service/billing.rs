//! Buyers' billing profiles (what their future invoices say about them).

use chrono::Utc;
use kernel::{audit, auth::AuthUser};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    TransactionTrait, sea_query::OnConflict,
};
use uuid::Uuid;

use crate::{FinanceError, dto::billing::BillingProfileUpdate, entities::billing_profiles, gstin};

/// The profile of `user_id` on the platform, if they set one.
pub async fn find<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
) -> Result<Option<billing_profiles::Model>, FinanceError> {
    Ok(billing_profiles::Entity::find()
        .filter(billing_profiles::Column::PlatformId.eq(platform_id))
        .filter(billing_profiles::Column::UserId.eq(user_id))
        .one(conn)
        .await?)
}

/// Checks an update and answers (legal name, GSTIN, state code, address): a GSTIN must
/// pass its check character, a state code must be a GST state (and the GSTIN's, with one).
pub fn check(
    req: &BillingProfileUpdate,
) -> Result<(String, Option<String>, Option<String>, String), FinanceError> {
    let name = req.legal_name.trim().to_owned();
    if name.is_empty() {
        return Err(FinanceError::Invalid(
            "legal_name",
            "must not be blank".into(),
        ));
    }
    let g = req
        .gstin
        .as_deref()
        .map(|g| g.trim().to_ascii_uppercase())
        .filter(|g| !g.is_empty());
    if let Some(g) = &g
        && let Some(p) = gstin::problem(g)
    {
        return Err(FinanceError::Invalid("gstin", p.to_owned()));
    }
    let state = req.state_code.clone();
    if let Some(s) = &state
        && !gstin::valid_state_code(s)
    {
        return Err(FinanceError::Invalid(
            "state_code",
            "is not a GST state code (01-38, 97)".into(),
        ));
    }
    let state = match (&g, state) {
        (Some(g), Some(s)) if s != g[..2] => {
            return Err(FinanceError::Invalid(
                "state_code",
                "must be the first two digits of the GSTIN".into(),
            ));
        }
        (Some(g), None) => Some(g[..2].to_owned()),
        (_, s) => s,
    };
    Ok((name, g, state, req.address.clone().unwrap_or_default()))
}

/// Sets the caller's own profile (created on first use), audited without its contents.
pub async fn set(
    db: &DatabaseConnection,
    user: &AuthUser,
    req: BillingProfileUpdate,
) -> Result<billing_profiles::Model, FinanceError> {
    let (name, g, state, address) = check(&req)?;
    let now = Utc::now();
    let txn = db.begin().await?;
    billing_profiles::Entity::insert(billing_profiles::ActiveModel {
        id: Set(kernel::ids::new_id()),
        platform_id: Set(user.tenant.id),
        user_id: Set(user.id),
        legal_name: Set(name),
        gstin: Set(g),
        state_code: Set(state),
        address: Set(address),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([
            billing_profiles::Column::PlatformId,
            billing_profiles::Column::UserId,
        ])
        .update_columns([
            billing_profiles::Column::LegalName,
            billing_profiles::Column::Gstin,
            billing_profiles::Column::StateCode,
            billing_profiles::Column::Address,
            billing_profiles::Column::UpdatedAt,
        ])
        .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    let row = find(&txn, user.tenant.id, user.id)
        .await?
        .ok_or(FinanceError::NotFound("billing profile"))?;
    audit::record(
        &txn,
        audit::Audit::by(
            user,
            "finance.billing_profile.update",
            "billing_profile",
            row.id,
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

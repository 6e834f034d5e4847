//! The supplier of a platform's documents: its own row, else the environment's defaults.

use chrono::Utc;
use kernel::{
    audit,
    auth::{AuthUser, Role},
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    TransactionTrait, sea_query::OnConflict,
};
use uuid::Uuid;

use crate::{
    FinanceConfig, FinanceError,
    config::Supplier,
    dto::supplier::{SupplierDto, SupplierUpdate},
    entities::supplier_settings,
    gstin, numbering,
};

/// The supplier in force on `platform_id`, and its row when the platform has its own.
pub async fn effective<C: ConnectionTrait>(
    conn: &C,
    config: &FinanceConfig,
    platform_id: Uuid,
) -> Result<(Supplier, Option<supplier_settings::Model>), FinanceError> {
    let own = supplier_settings::Entity::find_by_id(platform_id)
        .one(conn)
        .await?;
    match (&own, &config.supplier) {
        (Some(row), _) => Ok((
            Supplier {
                gstin: row.gstin.clone(),
                state_code: row.state_code.clone(),
                legal_name: row.legal_name.clone(),
                invoice_series: row.invoice_series.clone(),
                credit_note_series: row.credit_note_series.clone(),
            },
            own,
        )),
        (None, Some(default)) => Ok((default.clone(), None)),
        (None, None) => Err(FinanceError::SupplierNotConfigured),
    }
}

/// The answer of the settings routes.
pub fn dto(s: Supplier, own: Option<&supplier_settings::Model>) -> SupplierDto {
    SupplierDto {
        gstin: s.gstin,
        state_code: s.state_code,
        legal_name: s.legal_name,
        invoice_series: s.invoice_series,
        credit_note_series: s.credit_note_series,
        source: if own.is_some() { "platform" } else { "default" }.to_owned(),
        updated_at: own.map(|o| o.updated_at),
    }
}

/// Checks an update: the GSTIN's format and check character, the state against it, both
/// series (a series whose numbers could exceed 14 characters is refused).
pub fn check(req: &SupplierUpdate) -> Result<Supplier, FinanceError> {
    let g = req.gstin.trim().to_owned();
    if let Some(p) = gstin::problem(&g) {
        return Err(FinanceError::Invalid("gstin", p.to_owned()));
    }
    let state_code = req.state_code.clone().unwrap_or_else(|| g[..2].to_owned());
    if state_code != g[..2] {
        return Err(FinanceError::Invalid(
            "state_code",
            "must be the first two digits of the GSTIN".into(),
        ));
    }
    if let Some(p) = numbering::series_problem(&req.invoice_series) {
        return Err(FinanceError::Invalid("invoice_series", p));
    }
    if let Some(p) = numbering::series_problem(&req.credit_note_series) {
        return Err(FinanceError::Invalid("credit_note_series", p));
    }
    if req.invoice_series == req.credit_note_series {
        return Err(FinanceError::Invalid(
            "credit_note_series",
            "must differ from the invoice series".into(),
        ));
    }
    let legal_name = req.legal_name.trim().to_owned();
    if legal_name.is_empty() {
        return Err(FinanceError::Invalid(
            "legal_name",
            "must not be blank".into(),
        ));
    }
    Ok(Supplier {
        gstin: g,
        state_code,
        legal_name,
        invoice_series: req.invoice_series.clone(),
        credit_note_series: req.credit_note_series.clone(),
    })
}

fn audit_view(s: &Supplier) -> serde_json::Value {
    serde_json::json!({
        "gstin": s.gstin, "state_code": s.state_code, "legal_name": s.legal_name,
        "invoice_series": s.invoice_series, "credit_note_series": s.credit_note_series,
    })
}

/// Sets the platform's own supplier details (ADMIN), audited with before and after.
pub async fn set(
    db: &DatabaseConnection,
    config: &FinanceConfig,
    admin: &AuthUser,
    req: SupplierUpdate,
) -> Result<SupplierDto, FinanceError> {
    let new = check(&req)?;
    let platform_id = admin.tenant.id;
    let txn = db.begin().await?;
    // a GSTIN another platform set as its own is that business's: numbering and IRNs under it
    // are theirs, so only a SUPERADMIN (who runs the deployment) may share it (ADR 0094)
    if admin.role != Role::Superadmin {
        let taken = supplier_settings::Entity::find()
            .filter(supplier_settings::Column::Gstin.eq(new.gstin.clone()))
            .filter(supplier_settings::Column::PlatformId.ne(platform_id))
            .one(&txn)
            .await?
            .is_some();
        if taken {
            return Err(FinanceError::Forbidden(
                "this GSTIN is another platform's supplier GSTIN; only a SUPERADMIN can share it"
                    .into(),
            ));
        }
    }
    let before = effective(&txn, config, platform_id).await.ok();
    let now = Utc::now();
    let row = supplier_settings::ActiveModel {
        platform_id: Set(platform_id),
        gstin: Set(new.gstin.clone()),
        state_code: Set(new.state_code.clone()),
        legal_name: Set(new.legal_name.clone()),
        invoice_series: Set(new.invoice_series.clone()),
        credit_note_series: Set(new.credit_note_series.clone()),
        updated_by: Set(Some(admin.id)),
        updated_at: Set(now),
    };
    supplier_settings::Entity::insert(row)
        .on_conflict(
            OnConflict::column(supplier_settings::Column::PlatformId)
                .update_columns([
                    supplier_settings::Column::Gstin,
                    supplier_settings::Column::StateCode,
                    supplier_settings::Column::LegalName,
                    supplier_settings::Column::InvoiceSeries,
                    supplier_settings::Column::CreditNoteSeries,
                    supplier_settings::Column::UpdatedBy,
                    supplier_settings::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    audit::record(
        &txn,
        audit::Audit::by(admin, "finance.supplier.update", "platform", platform_id).change(
            before
                .as_ref()
                .map_or(serde_json::Value::Null, |(s, _)| audit_view(s)),
            audit_view(&new),
        ),
    )
    .await?;
    let (s, own) = effective(&txn, config, platform_id).await?;
    txn.commit().await?;
    Ok(dto(s, own.as_ref()))
}

/// The boot check of a production process: without a default supplier
/// (`GST_SUPPLIER_GSTIN`), every platform that has the finance module enabled must have its
/// own supplier row, else invoices could not be issued and the process refuses to start,
/// naming the variable and the platforms. Development always has a supplier (a sample GSTIN).
pub async fn check_boot<C: ConnectionTrait>(
    conn: &C,
    config: &FinanceConfig,
    production: bool,
) -> Result<(), kernel::config::ConfigError> {
    if !production || config.supplier.is_some() {
        return Ok(());
    }
    let rows = conn
        .query_all_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "SELECT p.slug FROM platforms p
              WHERE $1 IN (SELECT jsonb_array_elements_text(p.modules::jsonb))
                AND NOT EXISTS (SELECT 1 FROM finance_supplier_settings s WHERE s.platform_id = p.id)
              ORDER BY p.slug",
            [crate::MODULE.into()],
        ))
        .await
        .map_err(|e| kernel::config::invalid("GST_SUPPLIER_GSTIN", format!("checking the platforms: {e}")))?;
    let slugs: Vec<String> = rows
        .iter()
        .filter_map(|r| r.try_get::<String>("", "slug").ok())
        .collect();
    if slugs.is_empty() {
        return Ok(());
    }
    Err(kernel::config::invalid(
        "GST_SUPPLIER_GSTIN",
        format!(
            "is required in production while finance is enabled on {} without its own supplier \
             settings (set it, or PUT /api/admin/finance/supplier for each platform)",
            slugs.join(", ")
        ),
    ))
}

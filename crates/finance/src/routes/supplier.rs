//! `/api/admin/finance/supplier`: the platform's supplier details (ADMIN or SUPERADMIN).

use actix_web::{get, put, web};
use kernel::{
    auth::{Admin, Require},
    error::AppResult,
    extract::ValidJson,
};

use crate::{
    Finance,
    dto::supplier::{SupplierDto, SupplierUpdate},
    service::supplier,
};

/// The supplier details in force on the platform (its own, else the defaults); 503
/// `supplier_not_configured` when there are none.
#[utoipa::path(tag = "finance", security(("bearer" = [])),
    responses((status = 200, body = SupplierDto), (status = 403, body = kernel::error::Problem), (status = 503, body = kernel::error::Problem)))]
#[get("/supplier")]
pub async fn get_supplier(
    admin: Require<Admin>,
    finance: web::Data<Finance>,
) -> AppResult<web::Json<SupplierDto>> {
    let (s, own) =
        supplier::effective(&finance.ctx().db, finance.config(), admin.tenant.id).await?;
    Ok(web::Json(supplier::dto(s, own.as_ref())))
}

/// Sets the platform's supplier details (audited). A GSTIN failing its check character is
/// 422 on `gstin`; a series whose longest number could exceed 14 characters is 422 on
/// `invoice_series` / `credit_note_series`. Documents already issued keep their details; a
/// new series starts its own sequence. A GSTIN another platform set as its own is 403 for an
/// ADMIN (only a SUPERADMIN may share one between platforms).
#[utoipa::path(tag = "finance", security(("bearer" = [])), request_body = SupplierUpdate,
    responses((status = 200, body = SupplierDto), (status = 403, body = kernel::error::Problem), (status = 422, body = kernel::error::Problem)))]
#[put("/supplier")]
pub async fn put_supplier(
    admin: Require<Admin>,
    finance: web::Data<Finance>,
    body: ValidJson<SupplierUpdate>,
) -> AppResult<web::Json<SupplierDto>> {
    let dto = supplier::set(
        &finance.ctx().db,
        finance.config(),
        &admin,
        body.into_inner(),
    )
    .await?;
    Ok(web::Json(dto))
}

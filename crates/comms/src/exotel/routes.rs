//! `/api/exotel`: click-to-call and SMS for sales users and admins, and their call log.
//! 503 `provider_not_configured` without Exotel credentials (the CRM falls back to `tel:`).
//! Before Exotel is asked, the registered contact policies are ([`crate::contact`]): a
//! refused number is 409 (the CRM's `lead_do_not_disturb`) and nothing is sent or stored.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use kernel::{
    AppContext,
    auth::{Require, Sales},
    error::AppResult,
    extract::ValidJson,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::service::{self, NewCall};
use crate::{Comms, contact::Channel, entities::exotel_calls, phone, provider::ProviderError};

/// A call to place: Exotel rings `from` (the agent) first, then connects `to`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct PlaceCall {
    /// The agent's phone number (`+919876543210`).
    #[validate(custom(function = "crate::phone::validate"))]
    #[schema(pattern = r"^[ .()-]*(\+[ .()-]*)?([0-9][ .()-]*){8,15}$")]
    pub from: String,
    /// The number to connect.
    #[validate(custom(function = "crate::phone::validate"))]
    #[schema(pattern = r"^[ .()-]*(\+[ .()-]*)?([0-9][ .()-]*){8,15}$")]
    pub to: String,
}

/// An SMS to send from the ExoPhone.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct SendSms {
    /// Recipient phone number.
    #[validate(custom(function = "crate::phone::validate"))]
    #[schema(pattern = r"^[ .()-]*(\+[ .()-]*)?([0-9][ .()-]*){8,15}$")]
    pub to: String,
    /// Text (DLT-registered template text in India).
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub body: String,
}

/// A call.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ExotelCallDto)]
pub struct CallDto {
    /// Id.
    pub id: Uuid,
    /// Exotel `CallSid`.
    pub sid: String,
    /// Agent number.
    pub from: String,
    /// Connected number.
    pub to: String,
    /// ExoPhone.
    pub caller_id: String,
    /// Exotel status.
    pub status: String,
    /// Talk time in seconds.
    pub duration_secs: Option<i32>,
    /// Recording URL.
    pub recording_url: Option<String>,
    /// Who placed it.
    pub created_by: Option<Uuid>,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Last status change.
    pub updated_at: DateTime<Utc>,
}

impl From<exotel_calls::Model> for CallDto {
    fn from(m: exotel_calls::Model) -> Self {
        Self {
            id: m.id,
            sid: m.sid,
            from: m.from_number,
            to: m.to_number,
            caller_id: m.caller_id,
            status: m.status,
            duration_secs: m.duration_secs,
            recording_url: m.recording_url,
            created_by: m.created_by,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// An SMS Exotel accepted.
#[derive(Debug, Serialize, ToSchema)]
pub struct SmsDto {
    /// Exotel `SmsSid`.
    pub sid: String,
    /// Exotel status.
    pub status: String,
}

fn client(comms: &Comms) -> AppResult<&super::ExotelClient> {
    comms
        .exotel
        .as_ref()
        .ok_or_else(|| ProviderError::NotConfigured("Exotel").into_app_error())
}

/// Places a click-to-call (sales users and admins) and stores it. Both numbers ring, so both
/// are put to the contact policies: a do-not-disturb lead's number is 409
/// `lead_do_not_disturb` on its field (`to`, or `from`) and nothing is placed or stored.
#[utoipa::path(
    tag = "comms",
    security(("bearer" = [])),
    request_body = PlaceCall,
    responses(
        (status = 201, body = CallDto),
        (status = 409, description = "lead_do_not_disturb: the number is a do-not-disturb lead's; nothing placed", body = kernel::error::Problem),
        (status = 422, description = "validation_failed", body = kernel::error::Problem),
        (status = 502, description = "Exotel refused the call", body = kernel::error::Problem),
        (status = 503, description = "provider_not_configured", body = kernel::error::Problem),
    )
)]
#[post("/call")]
#[tracing::instrument(skip_all, fields(user = %user.id), err)]
pub async fn call(
    user: Require<Sales>,
    ctx: web::Data<AppContext>,
    comms: web::Data<Comms>,
    ValidJson(req): ValidJson<PlaceCall>,
) -> AppResult<HttpResponse> {
    let exotel = client(&comms)?;
    let from = phone::normalize(&req.from);
    let to = phone::normalize(&req.to);
    let policies = &comms.contact_policies;
    policies
        .ensure_allowed(&ctx.db, user.tenant.id, &to, Channel::Call, "to")
        .await?;
    policies
        .ensure_allowed(&ctx.db, user.tenant.id, &from, Channel::Call, "from")
        .await?;
    let placed = exotel
        .connect_call(&from, &to)
        .await
        .map_err(ProviderError::into_app_error)?;
    let row = service::insert_call(
        &ctx.db,
        NewCall {
            platform_id: user.tenant.id,
            call: &placed,
            from: &from,
            to: &to,
            caller_id: exotel.caller_id(),
            created_by: user.id,
        },
    )
    .await?;
    Ok(HttpResponse::Created().json(CallDto::from(row)))
}

/// Sends an SMS from the ExoPhone (sales users and admins). A number the contact policies
/// refuse (a do-not-disturb lead's) is 409 `lead_do_not_disturb` on `to`, nothing sent.
#[utoipa::path(
    tag = "comms",
    security(("bearer" = [])),
    request_body = SendSms,
    responses(
        (status = 202, body = SmsDto),
        (status = 409, description = "lead_do_not_disturb: the number is a do-not-disturb lead's; nothing sent", body = kernel::error::Problem),
        (status = 422, description = "validation_failed", body = kernel::error::Problem),
        (status = 502, description = "Exotel refused the SMS", body = kernel::error::Problem),
        (status = 503, description = "provider_not_configured", body = kernel::error::Problem),
    )
)]
#[post("/sms")]
#[tracing::instrument(skip_all, fields(user = %user.id), err)]
pub async fn sms(
    user: Require<Sales>,
    ctx: web::Data<AppContext>,
    comms: web::Data<Comms>,
    ValidJson(req): ValidJson<SendSms>,
) -> AppResult<HttpResponse> {
    let exotel = client(&comms)?;
    let to = phone::normalize(&req.to);
    comms
        .contact_policies
        .ensure_allowed(&ctx.db, user.tenant.id, &to, Channel::Sms, "to")
        .await?;
    let sent = exotel
        .send_sms(&to, &req.body)
        .await
        .map_err(ProviderError::into_app_error)?;
    Ok(HttpResponse::Accepted().json(SmsDto {
        sid: sent.sid,
        status: sent.status,
    }))
}

/// The newest calls of this platform: an admin's view has everyone's, a sales user's their own.
#[utoipa::path(
    tag = "comms",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<CallDto>))
)]
#[get("/calls")]
pub async fn list_calls(
    user: Require<Sales>,
    ctx: web::Data<AppContext>,
) -> AppResult<web::Json<Vec<CallDto>>> {
    let only = (!user.role.is_admin()).then_some(user.id);
    let rows = service::list(&ctx.db, user.tenant.id, only).await?;
    Ok(web::Json(rows.into_iter().map(CallDto::from).collect()))
}

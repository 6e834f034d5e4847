//! The crate's errors and their answers.

use kernel::{
    AppError,
    error::{ErrorCode, codes as kernel_codes},
};

/// The CRM's error codes.
pub mod codes {
    kernel::error_codes! {
        /// Another sales team of the platform has this name.
        SALES_TEAM_NAME_TAKEN = CONFLICT "sales_team_name_taken";
        /// The agent already belongs to another sales team of the platform.
        AGENT_IN_ANOTHER_TEAM = CONFLICT "agent_in_another_team";
        /// Another workflow of the platform has this name.
        WORKFLOW_NAME_TAKEN = CONFLICT "workflow_name_taken";
        /// The lead is marked do-not-disturb: no call, SMS or WhatsApp message goes to them.
        LEAD_DO_NOT_DISTURB = CONFLICT "lead_do_not_disturb";
        /// The lead withdrew WhatsApp consent (or never gave it where the platform requires it): no WhatsApp message goes to them.
        LEAD_NO_WHATSAPP_CONSENT = CONFLICT "lead_no_whatsapp_consent";
        /// The lead already has a discount waiting for approval.
        DISCOUNT_ALREADY_PENDING = CONFLICT "discount_already_pending";
        /// The discount was approved or rejected already (by someone else).
        DISCOUNT_ALREADY_DECIDED = CONFLICT "discount_already_decided";
        /// Nobody approves their own discount.
        DISCOUNT_OWN_PROPOSAL = FORBIDDEN "discount_own_proposal";
        /// The discount is above the caller's approval limit.
        DISCOUNT_OVER_LIMIT = FORBIDDEN "discount_over_limit";
        /// The agreement is not in a state that allows this (sent already, not sent yet).
        AGREEMENT_WRONG_STATUS = CONFLICT "agreement_wrong_status";
        /// Another event or league of the platform has this slug.
        EVENT_SLUG_TAKEN = CONFLICT "event_slug_taken";
        /// Every place of the event or league is taken.
        EVENT_FULL = CONFLICT "event_full";
        /// Registration for the event or league has closed.
        REGISTRATION_CLOSED = CONFLICT "registration_closed";
        /// Another campaign of the platform has this name.
        CAMPAIGN_NAME_TAKEN = CONFLICT "campaign_name_taken";
        /// Another campaign of the platform has this UTM campaign.
        CAMPAIGN_UTM_TAKEN = CONFLICT "campaign_utm_taken";
    }
}

/// What can go wrong in the CRM. Each variant answers one registered code ([`Self::code`]).
#[derive(Debug, thiserror::Error)]
pub enum CrmError {
    /// 404 `not_found` on this platform (or not visible to the caller).
    #[error("no such {0}")]
    NotFound(&'static str),
    /// 409 `sales_team_name_taken` on `name`.
    #[error("another sales team of this platform has this name")]
    TeamNameTaken,
    /// 409 `agent_in_another_team` on `user_id`.
    #[error("this agent belongs to another sales team")]
    AgentInAnotherTeam,
    /// 409 `workflow_name_taken` on `name`.
    #[error("another workflow of this platform has this name")]
    WorkflowNameTaken,
    /// 409 `lead_do_not_disturb`: no call, SMS or WhatsApp message to a DND lead.
    #[error("the lead is marked do-not-disturb")]
    DoNotDisturb,
    /// 409 `lead_no_whatsapp_consent`: no WhatsApp message to a lead without consent.
    #[error("the lead has not consented to WhatsApp messages")]
    NoWhatsappConsent,
    /// 409 `discount_already_pending` on `lead_id`.
    #[error("this lead already has a discount waiting for approval")]
    DiscountPending,
    /// 409 `discount_already_decided`: another approver was first.
    #[error("this discount was already {0}")]
    DiscountDecided(String),
    /// 403 `discount_own_proposal`.
    #[error("a discount is approved or rejected by someone other than who proposed it")]
    OwnDiscount,
    /// 403 `discount_over_limit`, naming the limit.
    #[error("{0}")]
    OverLimit(String),
    /// 409 `agreement_wrong_status`, naming the status.
    #[error("the agreement is {0}")]
    AgreementStatus(String),
    /// 403 `forbidden`, saying what is missing.
    #[error("{0}")]
    Forbidden(String),
    /// 422 naming a field.
    #[error("{0}: {1}")]
    Invalid(&'static str, String),
    /// A workflow step's effect failed (a webhook, the LLM gateway); retried by the queue,
    /// then the step's visible error. Never an HTTP answer.
    #[error("{0}")]
    Step(String),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
    /// An error already in the API's terms.
    #[error(transparent)]
    App(AppError),
}

impl CrmError {
    /// The registered code this error answers (its status comes with it).
    pub fn code(&self) -> &'static ErrorCode {
        match self {
            Self::NotFound(_) => &kernel_codes::NOT_FOUND,
            Self::TeamNameTaken => &codes::SALES_TEAM_NAME_TAKEN,
            Self::AgentInAnotherTeam => &codes::AGENT_IN_ANOTHER_TEAM,
            Self::WorkflowNameTaken => &codes::WORKFLOW_NAME_TAKEN,
            Self::DoNotDisturb => &codes::LEAD_DO_NOT_DISTURB,
            Self::NoWhatsappConsent => &codes::LEAD_NO_WHATSAPP_CONSENT,
            Self::DiscountPending => &codes::DISCOUNT_ALREADY_PENDING,
            Self::DiscountDecided(_) => &codes::DISCOUNT_ALREADY_DECIDED,
            Self::OwnDiscount => &codes::DISCOUNT_OWN_PROPOSAL,
            Self::OverLimit(_) => &codes::DISCOUNT_OVER_LIMIT,
            Self::AgreementStatus(_) => &codes::AGREEMENT_WRONG_STATUS,
            Self::Forbidden(_) => &kernel_codes::FORBIDDEN,
            Self::Invalid(..) => &kernel_codes::VALIDATION_FAILED,
            Self::Db(_) | Self::Step(_) => &kernel_codes::INTERNAL_ERROR,
            Self::App(e) => e.error_code(),
        }
    }
}

impl From<AppError> for CrmError {
    fn from(err: AppError) -> Self {
        Self::App(err)
    }
}

impl From<CrmError> for AppError {
    fn from(err: CrmError) -> Self {
        match err {
            CrmError::Invalid(field, message) => AppError::invalid_field(field, message),
            CrmError::Db(e) => e.into(),
            CrmError::App(e) => e,
            CrmError::TeamNameTaken | CrmError::WorkflowNameTaken => {
                AppError::new(err.code(), err.to_string()).on_field("name")
            }
            CrmError::AgentInAnotherTeam => {
                AppError::new(err.code(), err.to_string()).on_field("user_id")
            }
            CrmError::DiscountPending => {
                AppError::new(err.code(), err.to_string()).on_field("lead_id")
            }
            other => AppError::new(other.code(), other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_answer_their_codes() {
        for (err, status, code) in [
            (CrmError::TeamNameTaken, 409, "sales_team_name_taken"),
            (CrmError::AgentInAnotherTeam, 409, "agent_in_another_team"),
            (CrmError::NotFound("lead"), 404, "not_found"),
            (CrmError::DoNotDisturb, 409, "lead_do_not_disturb"),
            (CrmError::NoWhatsappConsent, 409, "lead_no_whatsapp_consent"),
            (
                CrmError::Invalid("phone", "bad".into()),
                422,
                "validation_failed",
            ),
        ] {
            let problem = AppError::from(err).problem();
            assert_eq!((problem.status, problem.code.as_str()), (status, code));
        }
    }
}

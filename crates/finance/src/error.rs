//! The crate's errors and their answers.

use kernel::{
    AppError,
    error::{ErrorCode, codes as kernel_codes},
};

/// Finance's error codes.
pub mod codes {
    kernel::error_codes! {
        /// No supplier GSTIN is configured for the platform (`GST_SUPPLIER_GSTIN` unset in
        /// production and no platform settings): no invoice can be issued.
        SUPPLIER_NOT_CONFIGURED = SERVICE_UNAVAILABLE "supplier_not_configured";
        /// The series has used every number that fits 14 characters this financial year.
        SERIES_EXHAUSTED = CONFLICT "series_exhausted";
        /// The e-invoice has no IRN to cancel (invalid, queued, rejected or cancelled).
        EINVOICE_NOT_GENERATED = CONFLICT "einvoice_not_generated";
        /// The IRP's 24 hours for cancelling an IRN have passed (issue a credit note instead).
        EINVOICE_CANCEL_WINDOW_CLOSED = CONFLICT "einvoice_cancel_window_closed";
    }
}

/// What can go wrong in finance. Each variant answers one registered code ([`Self::code`]).
#[derive(Debug, thiserror::Error)]
pub enum FinanceError {
    /// 404 `not_found` on this platform.
    #[error("no such {0}")]
    NotFound(&'static str),
    /// 503 `supplier_not_configured`.
    #[error("no supplier GSTIN is configured for this platform")]
    SupplierNotConfigured,
    /// 409 `series_exhausted`.
    #[error("series {0} has no number left this financial year")]
    SeriesExhausted(String),
    /// 409 `einvoice_not_generated`, with the e-invoice's status.
    #[error("the e-invoice is {0}, not generated: there is no IRN to cancel")]
    EinvoiceNotGenerated(String),
    /// 409 `einvoice_cancel_window_closed`.
    #[error("the 24 hours for cancelling this IRN have passed; issue a credit note instead")]
    CancelWindowClosed,
    /// 403 `forbidden`, saying what is missing.
    #[error("{0}")]
    Forbidden(String),
    /// 422 naming a field.
    #[error("{0}: {1}")]
    Invalid(&'static str, String),
    /// The amounts cannot be taxed (a bad event: permanent for the job).
    #[error(transparent)]
    Tax(#[from] crate::tax::TaxError),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
    /// An error already in the API's terms.
    #[error(transparent)]
    App(AppError),
}

impl FinanceError {
    /// The registered code this error answers (its status comes with it).
    pub fn code(&self) -> &'static ErrorCode {
        match self {
            Self::NotFound(_) => &kernel_codes::NOT_FOUND,
            Self::SupplierNotConfigured => &codes::SUPPLIER_NOT_CONFIGURED,
            Self::SeriesExhausted(_) => &codes::SERIES_EXHAUSTED,
            Self::EinvoiceNotGenerated(_) => &codes::EINVOICE_NOT_GENERATED,
            Self::CancelWindowClosed => &codes::EINVOICE_CANCEL_WINDOW_CLOSED,
            Self::Forbidden(_) => &kernel_codes::FORBIDDEN,
            Self::Invalid(..) | Self::Tax(_) => &kernel_codes::VALIDATION_FAILED,
            Self::Db(_) => &kernel_codes::INTERNAL_ERROR,
            Self::App(e) => e.error_code(),
        }
    }
}

impl From<AppError> for FinanceError {
    fn from(err: AppError) -> Self {
        Self::App(err)
    }
}

impl From<FinanceError> for AppError {
    fn from(err: FinanceError) -> Self {
        match err {
            FinanceError::Invalid(field, message) => AppError::invalid_field(field, message),
            FinanceError::Tax(e) => AppError::invalid_field("amount_paise", e.to_string()),
            FinanceError::Db(e) => e.into(),
            FinanceError::App(e) => e,
            other => AppError::new(other.code(), other.to_string()),
        }
    }
}

pub use kernel::db::violates;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_answer_their_codes() {
        for (err, status, code) in [
            (
                FinanceError::SupplierNotConfigured,
                503,
                "supplier_not_configured",
            ),
            (
                FinanceError::SeriesExhausted("MM".into()),
                409,
                "series_exhausted",
            ),
            (FinanceError::NotFound("invoice"), 404, "not_found"),
            (
                FinanceError::Invalid("gstin", "bad".into()),
                422,
                "validation_failed",
            ),
        ] {
            let problem = AppError::from(err).problem();
            assert_eq!((problem.status, problem.code.as_str()), (status, code));
        }
    }
}

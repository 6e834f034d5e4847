//! The crate's errors and their answers.

use kernel::AppError;
use tokens::TokensError;

/// What can go wrong in Mr. Mentor.
#[derive(Debug, thiserror::Error)]
pub enum MentorshipError {
    /// Not found on this platform.
    #[error("no such {0}")]
    NotFound(&'static str),
    /// The slot is booked or gone.
    #[error("this slot is no longer available")]
    SlotTaken,
    /// The new slot overlaps another of the mentor's slots.
    #[error("the slot overlaps another of your slots")]
    SlotOverlap,
    /// 409 `slot_booked`: a booked slot cannot be edited or withdrawn (cancel the booking).
    #[error("the slot is booked: cancel the booking instead")]
    SlotBooked,
    /// 409 `slot_expired`: the slot has started or passed, it can no longer change.
    #[error("the slot has started or passed")]
    SlotExpired,
    /// The caller already has a mentor profile.
    #[error("you have already applied as a mentor")]
    AlreadyApplied,
    /// The caller may not do this.
    #[error("{1}")]
    Forbidden(&'static str, String),
    /// A credential in the request is bad (`invalid_token`, `link_expired`).
    #[error("{1}")]
    Unauthorized(&'static str, String),
    /// A state conflict (`booking_not_active`, `meeting_cancelled`).
    #[error("{1}")]
    Conflict(&'static str, String),
    /// A field is invalid.
    #[error("{0}: {1}")]
    Invalid(&'static str, String),
    /// The wallet refused.
    #[error(transparent)]
    Tokens(#[from] TokensError),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
    /// An error already in the API's terms (from storage).
    #[error(transparent)]
    App(AppError),
}

impl From<MentorshipError> for AppError {
    fn from(err: MentorshipError) -> Self {
        let detail = err.to_string();
        match err {
            MentorshipError::NotFound(what) => AppError::not_found(format!("no such {what}")),
            MentorshipError::SlotTaken => AppError::Conflict {
                code: "slot_taken".into(),
                detail,
                field: None,
            },
            MentorshipError::SlotOverlap => AppError::Conflict {
                code: "slot_overlap".into(),
                detail,
                field: Some("start_at".into()),
            },
            MentorshipError::SlotBooked => AppError::Conflict {
                code: "slot_booked".into(),
                detail,
                field: None,
            },
            MentorshipError::SlotExpired => AppError::Conflict {
                code: "slot_expired".into(),
                detail,
                field: None,
            },
            MentorshipError::AlreadyApplied => AppError::Conflict {
                code: "already_applied".into(),
                detail,
                field: None,
            },
            MentorshipError::Forbidden(code, _) => AppError::Forbidden {
                code: code.into(),
                detail,
            },
            MentorshipError::Unauthorized(code, _) => AppError::Unauthorized {
                code: code.into(),
                detail,
            },
            MentorshipError::Conflict(code, _) => AppError::Conflict {
                code: code.into(),
                detail,
                field: None,
            },
            MentorshipError::Invalid(field, message) => AppError::invalid_field(field, message),
            MentorshipError::Tokens(e) => e.into(),
            MentorshipError::Db(e) => e.into(),
            MentorshipError::App(e) => e,
        }
    }
}

/// Whether a database error is the violation of a named constraint.
pub fn violates(err: &sea_orm::DbErr, constraint: &str) -> bool {
    err.to_string().contains(constraint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slot_edits_answer_their_codes() {
        for (err, status, code) in [
            (MentorshipError::SlotBooked, 409, "slot_booked"),
            (MentorshipError::SlotExpired, 409, "slot_expired"),
            (MentorshipError::SlotOverlap, 409, "slot_overlap"),
            (MentorshipError::SlotTaken, 409, "slot_taken"),
            (MentorshipError::NotFound("slot"), 404, "not_found"),
        ] {
            let problem = AppError::from(err).problem();
            assert_eq!((problem.status, problem.code.as_str()), (status, code));
        }
    }
}

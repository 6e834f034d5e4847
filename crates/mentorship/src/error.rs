//! The crate's errors and their answers.

use kernel::{
    AppError,
    error::{ErrorCode, codes as kernel_codes},
};
use tokens::TokensError;

/// Mr. Mentor's error codes.
pub mod codes {
    kernel::error_codes! {
        /// The slot is booked or gone.
        SLOT_TAKEN = CONFLICT "slot_taken";
        /// The new or edited slot overlaps another of the mentor's slots.
        SLOT_OVERLAP = CONFLICT "slot_overlap";
        /// A booked slot cannot be edited or withdrawn (cancel the booking instead).
        SLOT_BOOKED = CONFLICT "slot_booked";
        /// The slot has started or passed; it can no longer change.
        SLOT_EXPIRED = CONFLICT "slot_expired";
        /// The caller already has a mentor profile.
        ALREADY_APPLIED = CONFLICT "already_applied";
        /// The caller's mentor profile is missing or not approved.
        MENTOR_NOT_APPROVED = FORBIDDEN "mentor_not_approved";
        /// Mentors cannot book their own slots.
        OWN_SLOT = FORBIDDEN "own_slot";
        /// The meeting cannot be joined yet (the join window opens before the start).
        TOO_EARLY = FORBIDDEN "too_early";
        /// Google's consent page did not grant calendar access.
        CALENDAR_SCOPE_NOT_GRANTED = FORBIDDEN "calendar_scope_not_granted";
        /// The booking is cancelled or completed.
        BOOKING_NOT_ACTIVE = CONFLICT "booking_not_active";
        /// The session has started or taken place and can no longer be cancelled.
        MEETING_STARTED = CONFLICT "meeting_started";
        /// The meeting is over (ended, completed or cancelled) and cannot be joined.
        MEETING_OVER = CONFLICT "meeting_over";
        /// The meeting was cancelled.
        MEETING_CANCELLED = CONFLICT "meeting_cancelled";
        /// The session has not happened: both participants must have joined it inside the join window and it must have ended.
        MEETING_NOT_HELD = CONFLICT "meeting_not_held";
        /// Feedback opens once the session is completed.
        MEETING_NOT_COMPLETED = CONFLICT "meeting_not_completed";
        /// Feedback for this meeting was already given.
        FEEDBACK_GIVEN = CONFLICT "feedback_given";
        /// The mentor already has this availability rule.
        RULE_EXISTS = CONFLICT "rule_exists";
        /// Nothing was uploaded to the recording's URL yet.
        UPLOAD_MISSING = CONFLICT "upload_missing";
        /// The stored recording's size differs from the announced size.
        UPLOAD_SIZE_MISMATCH = CONFLICT "upload_size_mismatch";
        /// The meeting link has expired.
        LINK_EXPIRED = UNAUTHORIZED "link_expired";
        /// The meeting link was already used.
        LINK_USED = CONFLICT "link_used";
    }
}

/// What can go wrong in Mr. Mentor. Each variant answers one registered code ([`Self::code`]).
#[derive(Debug, thiserror::Error)]
pub enum MentorshipError {
    /// 404 `not_found` on this platform.
    #[error("no such {0}")]
    NotFound(&'static str),
    /// 409 `slot_taken`.
    #[error("this slot is no longer available")]
    SlotTaken,
    /// 409 `slot_overlap` on `start_at`.
    #[error("the slot overlaps another of your slots")]
    SlotOverlap,
    /// 409 `slot_booked`.
    #[error("the slot is booked: cancel the booking instead")]
    SlotBooked,
    /// 409 `slot_expired`.
    #[error("the slot has started or passed")]
    SlotExpired,
    /// 409 `already_applied`.
    #[error("you have already applied as a mentor")]
    AlreadyApplied,
    /// 403 `mentor_not_approved`, saying what is missing.
    #[error("{0}")]
    MentorNotApproved(String),
    /// 403 `own_slot`.
    #[error("mentors cannot book their own slots")]
    OwnSlot,
    /// 403 `too_early`, saying when the window opens.
    #[error("{0}")]
    TooEarly(String),
    /// 403 `calendar_scope_not_granted`.
    #[error("calendar access was not granted on Google's consent page")]
    CalendarScopeNotGranted,
    /// 403 `forbidden`: the caller is not the participant this action is for.
    #[error("{0}")]
    NotParticipant(String),
    /// 409 `booking_not_active`, naming the booking's state.
    #[error("{0}")]
    BookingNotActive(String),
    /// 409 `meeting_started`.
    #[error("the session has started or taken place and can no longer be cancelled")]
    MeetingStarted,
    /// 409 `meeting_over`, naming the meeting's state.
    #[error("{0}")]
    MeetingOver(String),
    /// 409 `meeting_cancelled`.
    #[error("the meeting was cancelled")]
    MeetingCancelled,
    /// 409 `meeting_not_held`, saying which condition is missing.
    #[error("{0}")]
    MeetingNotHeld(String),
    /// 409 `meeting_not_completed`.
    #[error("feedback opens once the session is completed")]
    MeetingNotCompleted,
    /// 409 `feedback_given`.
    #[error("feedback for this meeting was already given")]
    FeedbackGiven,
    /// 409 `rule_exists`.
    #[error("you already have this rule")]
    RuleExists,
    /// 409 `upload_missing`.
    #[error("nothing was uploaded to this recording's URL yet")]
    UploadMissing,
    /// 409 `upload_size_mismatch`, with both sizes.
    #[error("{0}")]
    UploadSizeMismatch(String),
    /// 401 `invalid_token`.
    #[error("{0}")]
    InvalidToken(String),
    /// 401 `link_expired`.
    #[error("this link has expired")]
    LinkExpired,
    /// 409 `link_used`.
    #[error("this link was already used")]
    LinkUsed,
    /// 422 naming a field.
    #[error("{0}: {1}")]
    Invalid(&'static str, String),
    /// The wallet refused (its own codes).
    #[error(transparent)]
    Tokens(#[from] TokensError),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
    /// An error already in the API's terms (from storage, providers).
    #[error(transparent)]
    App(AppError),
}

impl MentorshipError {
    /// The registered code this error answers (its status comes with it); errors of other
    /// layers (wallet, API) answer their own, a database error as its usual answer does.
    pub fn code(&self) -> &'static ErrorCode {
        match self {
            Self::NotFound(_) => &kernel_codes::NOT_FOUND,
            Self::SlotTaken => &codes::SLOT_TAKEN,
            Self::SlotOverlap => &codes::SLOT_OVERLAP,
            Self::SlotBooked => &codes::SLOT_BOOKED,
            Self::SlotExpired => &codes::SLOT_EXPIRED,
            Self::AlreadyApplied => &codes::ALREADY_APPLIED,
            Self::MentorNotApproved(_) => &codes::MENTOR_NOT_APPROVED,
            Self::OwnSlot => &codes::OWN_SLOT,
            Self::TooEarly(_) => &codes::TOO_EARLY,
            Self::CalendarScopeNotGranted => &codes::CALENDAR_SCOPE_NOT_GRANTED,
            Self::NotParticipant(_) => &kernel_codes::FORBIDDEN,
            Self::BookingNotActive(_) => &codes::BOOKING_NOT_ACTIVE,
            Self::MeetingStarted => &codes::MEETING_STARTED,
            Self::MeetingOver(_) => &codes::MEETING_OVER,
            Self::MeetingCancelled => &codes::MEETING_CANCELLED,
            Self::MeetingNotHeld(_) => &codes::MEETING_NOT_HELD,
            Self::MeetingNotCompleted => &codes::MEETING_NOT_COMPLETED,
            Self::FeedbackGiven => &codes::FEEDBACK_GIVEN,
            Self::RuleExists => &codes::RULE_EXISTS,
            Self::UploadMissing => &codes::UPLOAD_MISSING,
            Self::UploadSizeMismatch(_) => &codes::UPLOAD_SIZE_MISMATCH,
            Self::InvalidToken(_) => &kernel_codes::INVALID_TOKEN,
            Self::LinkExpired => &codes::LINK_EXPIRED,
            Self::LinkUsed => &codes::LINK_USED,
            Self::Invalid(..) => &kernel_codes::VALIDATION_FAILED,
            Self::Tokens(e) => e.code(),
            Self::Db(_) => &kernel_codes::INTERNAL_ERROR,
            Self::App(e) => e.error_code(),
        }
    }
}

impl From<MentorshipError> for AppError {
    fn from(err: MentorshipError) -> Self {
        match err {
            MentorshipError::Invalid(field, message) => AppError::invalid_field(field, message),
            MentorshipError::Tokens(e) => e.into(),
            MentorshipError::Db(e) => e.into(),
            MentorshipError::App(e) => e,
            MentorshipError::SlotOverlap => {
                AppError::new(err.code(), err.to_string()).on_field("start_at")
            }
            other => AppError::new(other.code(), other.to_string()),
        }
    }
}

pub use kernel::db::violates;

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

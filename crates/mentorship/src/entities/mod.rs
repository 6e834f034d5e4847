//! The tables this crate owns.

pub mod bookings;
pub mod google_calendar_connections;
pub mod meeting_action_links;
pub mod meeting_calendar_events;
pub mod meeting_logs;
pub mod meeting_recordings;
pub mod meetings;
pub mod mentor_availability_rules;
pub mod mentor_profiles;
pub mod mentor_slots;

pub use bookings::BookingStatus;
pub use meeting_recordings::RecordingStatus;
pub use meetings::MeetingStatus;
pub use mentor_profiles::MentorStatus;
pub use mentor_slots::SlotStatus;

/// `Display` as the stored value (`booked`), for messages and logs.
macro_rules! display_as_stored {
    ($($t:ty),+) => {$(
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&sea_orm::ActiveEnum::to_value(self))
            }
        }
    )+};
}

display_as_stored!(
    bookings::BookingStatus,
    meeting_recordings::RecordingStatus,
    meetings::MeetingStatus,
    mentor_profiles::MentorStatus,
    mentor_slots::SlotStatus
);

#[cfg(test)]
mod tests {
    use sea_orm::{ActiveEnum, Iterable};
    use serde_json::Value;

    use super::*;

    /// JSON and `Display` spell every value as the database stores it.
    fn spelled_as_stored<T>()
    where
        T: ActiveEnum<Value = String> + Iterable + serde::Serialize + std::fmt::Display,
    {
        for v in T::iter() {
            let stored = v.to_value();
            assert_eq!(
                serde_json::to_value(&v).ok(),
                Some(Value::String(stored.clone()))
            );
            assert_eq!(v.to_string(), stored);
        }
    }

    #[test]
    fn statuses_are_spelled_as_stored() {
        spelled_as_stored::<BookingStatus>();
        spelled_as_stored::<RecordingStatus>();
        spelled_as_stored::<MeetingStatus>();
        spelled_as_stored::<MentorStatus>();
        spelled_as_stored::<SlotStatus>();
    }
}

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

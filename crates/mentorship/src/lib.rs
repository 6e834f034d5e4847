//! Mr. Mentor: mentor profiles (apply, approve, public listing), availability slots (no
//! overlaps, by a database exclusion constraint), bookings paid with token holds from
//! `tokens` (the one domain-to-domain edge, `mentorship -> tokens`), cancellations with the
//! cancellation policy, meetings and their completion, which posts the hold to the mentor.
//! Mentors move and withdraw their open slots (`/api/mentors/me/slots/{id}`); students and
//! mentors list their bookings (`/api/bookings/me`, `/api/mentors/me/bookings`), admins their
//! platform's meetings and each meeting's log (`/api/admin/meetings`).

pub mod dto;
pub mod entities;
pub mod error;
pub mod routes;
pub mod service;
pub mod settings;
pub mod workers;

pub use error::MentorshipError;
pub use routes::configure;
pub use service::calendar::Calendar;
pub use service::calendar_events::CalendarEvent;

pub use workers::{ExpireSlots, GenerateSlots, SettleEndedMeetings, workers};

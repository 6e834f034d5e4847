//! Mr. Mentor: mentor profiles (apply, approve, public listing), availability slots (no
//! overlaps, by a database exclusion constraint), bookings paid with token holds from
//! `tokens` (the one domain-to-domain edge, `mentorship -> tokens`), cancellations with the
//! cancellation policy, meetings and their completion, which posts the hold to the mentor.
//! Mentors move and withdraw their open slots (`/api/mentors/me/slots/{id}`); students and
//! mentors list their bookings (`/api/bookings/me`, `/api/mentors/me/bookings`), admins their
//! platform's meetings and each meeting's log (`/api/admin/meetings`).
//!
//! [`Mentorship`] is the crate's state (registered as `web::Data<Mentorship>`) and keeps its
//! environment section, [`MentorshipConfig`] (the join window, Google Calendar).

pub mod config;
pub mod dto;
pub mod entities;
pub mod error;
pub mod events;
pub mod profile;
pub mod routes;
pub mod service;
pub mod settings;
mod state;
pub mod workers;

pub use config::MentorshipConfig;
pub use error::MentorshipError;
pub use routes::configure;
pub use service::calendar::Calendar;
pub use service::calendar_events::CalendarEvent;
pub use state::Mentorship;

pub use workers::{ExpireSlots, GenerateSlots, SettleEndedMeetings, workers};

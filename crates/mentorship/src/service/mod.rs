//! Business rules; every function takes the connection or transaction it runs in.

pub mod actor;
pub mod booking;
pub mod calendar;
pub mod calendar_events;
pub mod catalogue;
pub mod completion;
pub mod dispatch;
pub mod generate;
pub mod links;
pub mod listings;
pub mod live;
pub mod meeting_log;
pub mod meetings;
pub mod notices;
pub mod profiles;
pub mod recordings;
pub mod reschedule;
pub mod rules;
pub mod settle;
pub mod slots;

//! sea-orm entities of the tables this crate owns.

pub mod exotel_calls;
pub mod notifications;
pub mod whatsapp_messages;
pub mod whatsapp_status_events;

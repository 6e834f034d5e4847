//! Business rules; every function takes the connection or transaction it runs in.

pub mod booking;
pub mod meetings;
pub mod profiles;
pub mod slots;

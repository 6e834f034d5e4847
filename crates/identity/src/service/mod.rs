//! Business rules of identity. Functions take `&impl ConnectionTrait` where the caller picks
//! the pool or a transaction; multi-step changes open their own transaction.

pub mod accounts;
pub mod admin;
pub mod audit;
pub mod directory;
pub mod google;
pub mod otp;
pub mod passwords;
pub mod prune;
pub mod reset;
pub mod secrets;
pub mod sessions;
pub mod users;
pub mod vendors;

//! The LMS's rules and SQL. Functions take `&impl ConnectionTrait` (the caller picks pool or
//! transaction) and the platform id of the request's tenant.

pub mod batches;
pub mod catalogue;
pub mod courses;
pub mod dashboard;
pub mod enrollment;
pub mod orders;
pub mod outline;
pub mod progress;

//! The LMS's rules and SQL. Functions take `&impl ConnectionTrait` (the caller picks pool or
//! transaction) and the platform id of the request's tenant.

pub mod accommodations;
pub mod attempts;
pub mod batches;
pub mod candidates;
pub mod catalogue;
pub mod code_runner;
pub mod courses;
pub mod dashboard;
pub mod enrollment;
pub mod grading;
pub mod judge0_runner;
pub mod orders;
pub mod outline;
pub mod progress;
pub mod questions;
pub mod quizzes;

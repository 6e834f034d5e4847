//! The LMS's rules and SQL. Functions take `&impl ConnectionTrait` (the caller picks pool or
//! transaction) and the platform id of the request's tenant.

pub mod accommodations;
pub mod assignments;
pub mod attempts;
pub mod batches;
pub mod candidates;
pub mod catalogue;
pub mod code_runner;
pub mod courses;
pub mod dashboard;
pub mod documents;
pub mod engagement;
pub mod enrollment;
pub mod files;
pub mod grading;
pub mod judge0_runner;
pub mod live_classes;
pub mod orders;
pub mod outline;
pub mod profile;
pub mod progress;
pub mod questions;
pub mod quiz_grading;
pub mod quizzes;
pub mod reminders;
pub mod submissions;

//! Request and response bodies.

pub mod courses;
pub mod dashboard;
pub mod enrollments;
pub mod orders;

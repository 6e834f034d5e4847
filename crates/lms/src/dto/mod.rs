//! Request and response bodies.

pub mod courses;
pub mod enrollments;
pub mod orders;
